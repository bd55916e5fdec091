//! G.711 mu-law (PCMU) and A-law (PCMA) to 16-bit linear PCM and back.
//!
//! The per-sample codecs come from the `audio-codec-algorithms` crate (small, no dependencies,
//! `no_std`, tested against the reference tables); this module adds the buffer conversions. Version
//! 0.6 is used because later versions need a newer Rust than this crate's minimum.

use audio_codec_algorithms::{decode_alaw, decode_ulaw, encode_alaw, encode_ulaw};

/// mu-law bytes to 16-bit samples.
pub fn ulaw_to_pcm(encoded: &[u8]) -> Vec<i16> {
    encoded.iter().map(|&b| decode_ulaw(b)).collect()
}

/// 16-bit samples to mu-law bytes.
pub fn pcm_to_ulaw(samples: &[i16]) -> Vec<u8> {
    samples.iter().map(|&s| encode_ulaw(s)).collect()
}

/// A-law bytes to 16-bit samples.
pub fn alaw_to_pcm(encoded: &[u8]) -> Vec<i16> {
    encoded.iter().map(|&b| decode_alaw(b)).collect()
}

/// 16-bit samples to A-law bytes.
pub fn pcm_to_alaw(samples: &[i16]) -> Vec<u8> {
    samples.iter().map(|&s| encode_alaw(s)).collect()
}

/// `count` samples of a sine tone at `frequency` Hz sampled at `rate` Hz, starting at sample
/// `offset`, with peak `amplitude`.
pub fn tone(frequency: f64, rate: u32, offset: u64, count: usize, amplitude: i16) -> Vec<i16> {
    (0..count as u64)
        .map(|i| {
            let t = (offset + i) as f64 / f64::from(rate);
            (f64::from(amplitude) * (2.0 * std::f64::consts::PI * frequency * t).sin()) as i16
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ulaw_round_trips_within_quantization() {
        let samples = tone(440.0, 8000, 0, 160, 12000);
        let back = ulaw_to_pcm(&pcm_to_ulaw(&samples));
        for (a, b) in samples.iter().zip(&back) {
            assert!((i32::from(*a) - i32::from(*b)).abs() <= 400, "{a} vs {b}");
        }
        // Silence is 0xff in mu-law, 0xd5 in A-law.
        assert_eq!(pcm_to_ulaw(&[0]), vec![0xff]);
        assert_eq!(pcm_to_alaw(&[0]), vec![0xd5]);
    }

    #[test]
    fn every_code_decodes_and_reencodes_to_itself() {
        for code in 0..=255u8 {
            assert_eq!(pcm_to_alaw(&alaw_to_pcm(&[code])), vec![code]);
            let back = pcm_to_ulaw(&ulaw_to_pcm(&[code]))[0];
            // mu-law has two zeros (0x7f and 0xff).
            assert!(back == code || (code == 0x7f && back == 0xff), "{code:#x}");
        }
    }
}
