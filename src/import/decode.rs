/// Turns a file's bytes into text: UTF-8 (a BOM is dropped) or, when the bytes are not UTF-8,
/// GB18030 (a superset of GBK and GB2312), which is what Excel and WPS write in a Chinese locale.
pub fn decode_text(bytes: &[u8]) -> Result<String, String> {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(
            "is UTF-16 text (Excel's \"Unicode text\"): save it as CSV UTF-8 and import again"
                .to_string(),
        );
    }
    // No text file has NUL bytes: a spreadsheet saved in its own format, or UTF-16 without a BOM.
    if let Some(at) = bytes.iter().position(|&b| b == 0) {
        let line = 1 + bytes[..at].iter().filter(|&&b| b == b'\n').count();
        return Err(format!(
            "line {line} has a NUL byte (offset {at}): this is not a text file; save it as CSV UTF-8 and import again"
        ));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok(s.to_string());
    }
    let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
    if had_errors {
        let bad = std::str::from_utf8(bytes)
            .err()
            .map_or(0, |e| e.valid_up_to());
        return Err(format!(
            "is neither UTF-8 nor GB18030/GBK text (first bad byte at offset {bad}): save it as CSV UTF-8 and import again"
        ));
    }
    Ok(text.into_owned())
}

#[cfg(test)]
mod tests {
    use super::decode_text;

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(decode_text("编号".as_bytes()).unwrap(), "编号");
        assert_eq!(decode_text(b"\xEF\xBB\xBFref").unwrap(), "ref");
    }

    #[test]
    fn gbk_is_detected() {
        let (gbk, _, _) = encoding_rs::GBK.encode("编号,类别\n投诉");
        assert_eq!(decode_text(&gbk).unwrap(), "编号,类别\n投诉");
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(decode_text(&[0xFF, 0xFF, 0x30, 0x81]).is_err());
    }
}
