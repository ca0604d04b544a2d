//! JSON values written straight into a byte buffer, exactly as `serde_json`'s compact writer
//! does: for an output of thousands of items (`due --json`), without the serializer's per-value
//! calls and its byte-by-byte escaping pass over text that needs none.

/// A string: copied as it is when nothing in it needs escaping (the usual case), else escaped
/// by `serde_json`.
pub fn text(out: &mut Vec<u8>, s: &str) {
    // A fold, not `any`: without an early exit the check runs over many bytes at a time.
    let plain = s.bytes().fold(true, |plain, b| {
        plain & (b >= 0x20) & (b != b'"') & (b != b'\\')
    });
    if plain {
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    } else {
        serde_json::to_writer(&mut *out, s).expect("a string always serialises into a Vec");
    }
}

pub fn opt_text(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        Some(s) => text(out, s),
        None => out.extend_from_slice(b"null"),
    }
}

pub fn int(out: &mut Vec<u8>, n: impl itoa::Integer) {
    out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
}

pub fn flag(out: &mut Vec<u8>, b: bool) {
    out.extend_from_slice(if b { b"true" } else { b"false" });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_written_as_serde_json_writes_it() {
        for s in [
            "",
            "plain ascii",
            "漏水 3栋1单元",
            "quote \" and backslash \\",
            "line\nbreak\ttab\r\u{1}\u{1f}",
            "\u{7f} del and emoji 🙂",
        ] {
            let mut out = Vec::new();
            text(&mut out, s);
            assert_eq!(out, serde_json::to_vec(s).unwrap(), "{s:?}");
        }
    }

    #[test]
    fn numbers_flags_and_nulls_are_written_as_serde_json_writes_them() {
        let mut out = Vec::new();
        int(&mut out, -42i64);
        out.push(b' ');
        int(&mut out, u32::MAX);
        out.push(b' ');
        flag(&mut out, true);
        out.push(b' ');
        opt_text(&mut out, None);
        assert_eq!(out, b"-42 4294967295 true null");
    }
}
