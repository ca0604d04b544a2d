//! Text that came from outside (imports, the database) made safe and measured for the terminal.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Replaces control characters, escape sequences' introducers and bidi overrides with visible
/// stand-ins, so that no text from a file or the database can drive the terminal.
pub fn sanitize(s: &str) -> String {
    sanitized(s).into_owned()
}

/// As [`sanitize`], without a copy when nothing needs replacing (the usual case).
pub fn sanitized(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(needs_replacing) {
        return std::borrow::Cow::Borrowed(s);
    }
    std::borrow::Cow::Owned(
        s.chars()
            .map(|c| if needs_replacing(c) { '\u{FFFD}' } else { c })
            .collect(),
    )
}

fn needs_replacing(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Text for one line of an error message: line breaks shown as `⏎`, other control characters
/// neutralised as in [`sanitize`].
pub fn one_line(s: &str) -> String {
    sanitize(&s.replace("\r\n", "⏎").replace(['\n', '\r'], "⏎"))
}

/// Display width of a string in terminal cells (CJK characters count two).
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// Cuts a string to at most `max` cells, adding `…` when it was cut. Never splits a character.
pub fn truncate(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > max - 1 {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
}

/// Pads (or truncates) to exactly `cells` display cells, left-aligned.
pub fn pad(s: &str, cells: usize) -> String {
    let t = truncate(s, cells);
    let w = width(&t);
    format!("{t}{}", " ".repeat(cells.saturating_sub(w)))
}

/// Breaks text into lines of at most `max` cells: at spaces where it can, between any two
/// characters where it must (CJK text has no spaces). A character wider than `max` gets a line
/// of its own (and is cut by the widget).
pub fn wrap(s: &str, max: usize) -> Vec<String> {
    let max = max.max(1);
    let mut lines = Vec::new();
    for para in s.split('\n') {
        let mut line = String::new();
        let mut used = 0;
        for word in para.split(' ') {
            let w = width(word);
            if used > 0 && used + 1 + w <= max {
                line.push(' ');
                line.push_str(word);
                used += 1 + w;
                continue;
            }
            if used > 0 {
                lines.push(std::mem::take(&mut line));
                used = 0;
            }
            for c in word.chars() {
                let cw = c.width().unwrap_or(0);
                if used > 0 && used + cw > max {
                    lines.push(std::mem::take(&mut line));
                    used = 0;
                }
                line.push(c);
                used += cw;
            }
        }
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitize_neutralises_escapes_and_bidi() {
        assert_eq!(sanitize("林\x1b[31m一"), "林\u{FFFD}[31m一");
        assert_eq!(sanitize("a\u{202E}b"), "a\u{FFFD}b");
        assert_eq!(sanitize("普通"), "普通");
    }

    #[test]
    fn wrap_by_display_width() {
        assert_eq!(
            wrap("终端太小:2×10。", 2),
            ["终", "端", "太", "小", ":2", "×1", "0", "。"]
        );
        assert_eq!(
            wrap("too small: 80x24 at least", 10),
            ["too small:", "80x24 at", "least"]
        );
        assert_eq!(wrap("界面", 1), ["界", "面"]);
        for max in 1..12 {
            for line in wrap("终端太小:79×23。huifang 需要至少 80×24,请放大窗口。", max)
            {
                assert!(width(&line) <= max.max(2), "{line:?} in {max}");
            }
        }
    }

    #[test]
    fn one_line_keeps_messages_on_one_line() {
        assert_eq!(
            one_line("unknown category `x\ny`"),
            "unknown category `x⏎y`"
        );
        assert_eq!(one_line("a\r\nb\x1b"), "a⏎b\u{FFFD}");
    }

    #[test]
    fn truncate_by_display_width() {
        assert_eq!(truncate("翠苑管理处", 6), "翠苑…");
        assert_eq!(truncate("翠苑", 4), "翠苑");
        assert_eq!(pad("林一", 6), "林一  ");
        assert_eq!(width(&pad("翠苑管理处", 5)), 5);
    }
}
