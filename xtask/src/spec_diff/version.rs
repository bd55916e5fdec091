//! The crate version and the Cargo semver rule the gate applies to it.

use std::fmt;

use crate::error::{GenError, GenResult};

/// The manifest of the generated crate, relative to the repository root.
pub const CRATE_MANIFEST: &str = "telnyx-voice/Cargo.toml";

/// A `MAJOR.MINOR.PATCH` version (pre-release and build suffixes are refused, the crate has none).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version {
    /// Major.
    pub major: u64,
    /// Minor.
    pub minor: u64,
    /// Patch.
    pub patch: u64,
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

impl Version {
    /// Parses `1.2.3`.
    pub fn parse(text: &str) -> GenResult<Version> {
        let parts: Vec<&str> = text.split('.').collect();
        let numbers: Option<Vec<u64>> = parts.iter().map(|p| p.parse().ok()).collect();
        match numbers.as_deref() {
            Some([major, minor, patch]) => Ok(Version {
                major: *major,
                minor: *minor,
                patch: *patch,
            }),
            _ => Err(GenError::msg(format!(
                "version `{text}` is not MAJOR.MINOR.PATCH"
            ))),
        }
    }

    /// The `[package] version` of a Cargo manifest's text; `origin` names it in errors.
    pub fn from_manifest(text: &str, origin: &str) -> GenResult<Version> {
        let table: toml::Table =
            toml::from_str(text).map_err(|e| GenError::msg(format!("{origin}: not TOML: {e}")))?;
        let version = table
            .get("package")
            .and_then(|p| p.get("version"))
            .and_then(toml::Value::as_str)
            .ok_or_else(|| GenError::msg(format!("{origin}: no [package] version")))?;
        Version::parse(version).map_err(|e| GenError::msg(format!("{origin}: {}", e.message)))
    }

    /// The smallest version a breaking change needs after `self`: the next minor below 1.0
    /// (Cargo treats `0.x` minors as incompatible), the next major from 1.0 on.
    pub fn next_breaking(self) -> Version {
        if self.major == 0 {
            Version {
                major: 0,
                minor: self.minor + 1,
                patch: 0,
            }
        } else {
            Version {
                major: self.major + 1,
                minor: 0,
                patch: 0,
            }
        }
    }

    /// Whether going from `self` to `new` is a bump Cargo treats as incompatible.
    pub fn allows_breaking_to(self, new: Version) -> bool {
        new >= self.next_breaking()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> Version {
        Version::parse(text).unwrap()
    }

    #[test]
    fn zero_x_needs_a_minor_bump_and_one_x_a_major_bump() {
        assert!(v("0.1.0").allows_breaking_to(v("0.2.0")));
        assert!(v("0.1.7").allows_breaking_to(v("1.0.0")));
        assert!(!v("0.1.0").allows_breaking_to(v("0.1.1")));
        assert!(!v("0.1.0").allows_breaking_to(v("0.1.0")));
        assert!(v("1.4.2").allows_breaking_to(v("2.0.0")));
        assert!(!v("1.4.2").allows_breaking_to(v("1.5.0")));
        assert_eq!(v("0.1.3").next_breaking(), v("0.2.0"));
    }

    #[test]
    fn reads_the_package_version_of_a_manifest() {
        let manifest =
            "[package]\nname = \"x\"\nversion = \"0.3.1\"\n[dependencies]\nserde = \"1\"\n";
        assert_eq!(Version::from_manifest(manifest, "m").unwrap(), v("0.3.1"));
        let err = Version::from_manifest("[package]\nname = \"x\"\n", "m").unwrap_err();
        assert!(err.message.contains("no [package] version"), "{err}");
        assert!(Version::parse("0.2.0-beta.1").is_err());
    }
}
