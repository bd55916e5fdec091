//! Adds a report to CHANGELOG.md under `## Unreleased`, leaving everything else as it is.

/// The changelog, relative to the repository root.
pub const CHANGELOG_FILE: &str = "CHANGELOG.md";

const UNRELEASED: &str = "## Unreleased";

/// The changelog text with `entry` appended at the end of the `## Unreleased` section.
///
/// The section is created when missing: after the title (the leading `# ` line, itself created
/// for a new file), before the first release heading. Entries already there are kept in order.
pub fn add_to_unreleased(existing: Option<&str>, entry: &str) -> String {
    let text = existing.unwrap_or("# Changelog\n\n");
    let mut lines: Vec<&str> = text.lines().collect();
    let unreleased = lines.iter().position(|l| l.trim_end() == UNRELEASED);
    let section_end = match unreleased {
        Some(start) => lines[start + 1..]
            .iter()
            .position(|l| l.starts_with("## "))
            .map_or(lines.len(), |offset| start + 1 + offset),
        None => {
            let at = lines
                .iter()
                .position(|l| l.starts_with("## "))
                .unwrap_or(lines.len());
            lines.splice(at..at, [UNRELEASED, ""]);
            at + 2
        }
    };
    // Trailing blank lines of the section go after the new entry, which gets one blank line before it.
    let mut insert_at = section_end;
    while insert_at > 0 && lines[insert_at - 1].trim().is_empty() {
        insert_at -= 1;
    }
    let mut block: Vec<&str> = vec![""];
    block.extend(entry.trim_end().lines());
    let after_section = &lines[section_end..];
    if !after_section.is_empty() {
        block.push("");
    }
    let before = &lines[..insert_at];
    let mut out: Vec<&str> = before.to_vec();
    out.extend(block);
    out.extend(after_section);
    let mut text = out.join("\n");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creates_the_file_and_the_section() {
        let text = add_to_unreleased(None, "### Voice API changes\n\n- x\n");
        assert_eq!(
            text,
            "# Changelog\n\n## Unreleased\n\n### Voice API changes\n\n- x\n"
        );
    }

    #[test]
    fn appends_at_the_end_of_unreleased_before_the_next_release() {
        let existing = "# Changelog\n\n## Unreleased\n\n- renamed methods\n\n## 0.1.0\n\n- first\n";
        let text = add_to_unreleased(Some(existing), "### Voice API changes\n\n- x");
        assert_eq!(
            text,
            "# Changelog\n\n## Unreleased\n\n- renamed methods\n\n### Voice API changes\n\n- x\n\n## 0.1.0\n\n- first\n"
        );
    }

    #[test]
    fn adds_the_section_above_the_first_release_when_missing() {
        let existing = "# Changelog\n\n## 0.1.0\n\n- first\n";
        let text = add_to_unreleased(Some(existing), "- x");
        assert_eq!(
            text,
            "# Changelog\n\n## Unreleased\n\n- x\n\n## 0.1.0\n\n- first\n"
        );
    }
}
