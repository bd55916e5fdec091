//! The Markdown report: breaking changes first, then additive ones, each grouped by area.
//!
//! Headings start at level 3 so the report can sit under `## Unreleased` in CHANGELOG.md as is.

use super::classify::{Area, Change, Class};

/// Renders `changes` between the surfaces labelled `old` and `new` (spec digests or commits).
pub fn render(changes: &[Change], old: &str, new: &str) -> String {
    let mut out = format!("### Voice API changes: {old} -> {new}\n\n");
    let count = |class| changes.iter().filter(|c| c.class == class).count();
    let (breaking, additive) = (count(Class::Breaking), count(Class::Additive));
    if changes.is_empty() {
        out.push_str("No change to the generated API.\n");
        return out;
    }
    out.push_str(&format!("{breaking} breaking, {additive} additive.\n"));
    for (class, title) in [(Class::Breaking, "Breaking"), (Class::Additive, "Additive")] {
        if !changes.iter().any(|c| c.class == class) {
            continue;
        }
        out.push_str(&format!("\n#### {title}\n"));
        for area in [Area::Operations, Area::Models, Area::Events] {
            let lines: Vec<&Change> = changes
                .iter()
                .filter(|c| c.class == class && c.area == area)
                .collect();
            if lines.is_empty() {
                continue;
            }
            out.push_str(&format!("\n{}:\n\n", area.title()));
            for change in lines {
                out.push_str(&format!("- `{}`: {}\n", change.subject, change.detail));
            }
        }
    }
    out
}

/// A short label for a spec digest: its first 12 hex digits.
pub fn spec_label(sha256: &str) -> String {
    format!("spec `{}`", &sha256[..sha256.len().min(12)])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(class: Class, area: Area, subject: &str, detail: &str) -> Change {
        Change {
            class,
            area,
            subject: subject.into(),
            detail: detail.into(),
        }
    }

    #[test]
    fn groups_breaking_before_additive_and_by_area() {
        let changes = vec![
            change(Class::Breaking, Area::Operations, "DELETE /x", "removed"),
            change(Class::Breaking, Area::Events, "call.x", "removed"),
            change(
                Class::Additive,
                Area::Models,
                "Call.to",
                "new optional field",
            ),
        ];
        let text = render(&changes, "a", "b");
        let expected = "### Voice API changes: a -> b\n\n2 breaking, 1 additive.\n\
\n#### Breaking\n\nOperations:\n\n- `DELETE /x`: removed\n\
\nWebhook events:\n\n- `call.x`: removed\n\
\n#### Additive\n\nModels:\n\n- `Call.to`: new optional field\n";
        assert_eq!(text, expected);
    }

    #[test]
    fn no_changes_says_so() {
        assert!(render(&[], "a", "b").ends_with("No change to the generated API.\n"));
    }
}
