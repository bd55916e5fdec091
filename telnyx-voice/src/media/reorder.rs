//! Putting media frames back in order.

use std::collections::BTreeMap;

/// Reorders items by sequence number within a small window.
///
/// Items are released in sequence order. An item older than the last released one (late or
/// repeated) is dropped and counted. When more than `window` items wait behind a gap, the gap is
/// given up: the oldest waiting item is released as if the missing ones had been lost. Memory is
/// bounded by the window.
#[derive(Debug)]
pub struct Reorder<T> {
    window: usize,
    next: Option<u64>,
    waiting: BTreeMap<u64, T>,
    dropped: u64,
    skipped: u64,
}

impl<T> Reorder<T> {
    /// A reorder buffer holding at most `window` items (at least 1).
    pub fn new(window: usize) -> Self {
        Reorder {
            window: window.max(1),
            next: None,
            waiting: BTreeMap::new(),
            dropped: 0,
            skipped: 0,
        }
    }

    /// Adds the item numbered `sequence`; returns the items now ready, in order.
    pub fn push(&mut self, sequence: u64, item: T) -> Vec<T> {
        let mut ready = Vec::new();
        match self.next {
            Some(next) if sequence < next => {
                self.dropped += 1;
                return ready;
            }
            None => self.next = Some(sequence),
            _ => {}
        }
        if self.waiting.insert(sequence, item).is_some() {
            self.dropped += 1;
        }
        self.release(&mut ready);
        while self.waiting.len() > self.window {
            if let Some((&first, _)) = self.waiting.iter().next() {
                let next = self.next.unwrap_or(first);
                self.skipped += first.saturating_sub(next);
                self.next = Some(first);
            }
            self.release(&mut ready);
        }
        ready
    }

    /// Releases everything still waiting, in order (at the end of a stream).
    pub fn flush(&mut self) -> Vec<T> {
        let items: Vec<(u64, T)> = std::mem::take(&mut self.waiting).into_iter().collect();
        if let Some((last, _)) = items.last() {
            self.next = Some(last + 1);
        }
        items.into_iter().map(|(_, item)| item).collect()
    }

    /// Items dropped as late or repeated.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    /// Sequence numbers given up as lost.
    pub fn skipped(&self) -> u64 {
        self.skipped
    }

    fn release(&mut self, ready: &mut Vec<T>) {
        while let Some(next) = self.next {
            match self.waiting.remove(&next) {
                Some(item) => {
                    ready.push(item);
                    self.next = Some(next + 1);
                }
                None => break,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_order_passes_through() {
        let mut r = Reorder::new(4);
        assert_eq!(r.push(1, 'a'), vec!['a']);
        assert_eq!(r.push(2, 'b'), vec!['b']);
    }

    #[test]
    fn swapped_items_are_put_back_in_order() {
        let mut r = Reorder::new(4);
        assert_eq!(r.push(1, 1), vec![1]);
        assert_eq!(r.push(3, 3), Vec::<i32>::new());
        assert_eq!(r.push(2, 2), vec![2, 3]);
        assert_eq!(r.push(2, 2), Vec::<i32>::new());
        assert_eq!(r.dropped(), 1);
    }

    #[test]
    fn a_lost_item_is_given_up_when_the_window_fills() {
        let mut r = Reorder::new(2);
        assert_eq!(r.push(1, 1), vec![1]);
        assert!(r.push(3, 3).is_empty());
        assert!(r.push(4, 4).is_empty());
        assert_eq!(r.push(5, 5), vec![3, 4, 5]);
        assert_eq!(r.skipped(), 1);
        assert_eq!(r.push(2, 2), Vec::<i32>::new());
    }

    #[test]
    fn flush_releases_the_rest() {
        let mut r = Reorder::new(8);
        r.push(10, 10);
        r.push(12, 12);
        assert_eq!(r.flush(), vec![12]);
    }
}
