/// Masks a phone number for display: `13912345678` → `139****5678`. Short numbers keep only their
/// last two digits. Confidentiality (保密纪律): the full number is shown only on purpose.
pub fn mask_phone(phone: &str) -> String {
    let phone = phone.trim();
    let n = phone.chars().count();
    if n == 0 {
        return String::new();
    }
    // Never more than about half the digits: a mobile number keeps 3 + 4 of its 11, a landline
    // of 8 keeps its last 4.
    let (keep_head, keep_tail) = match n {
        0..=4 => (0, n.min(2).saturating_sub(1)),
        5..=7 => (0, 2),
        8..=10 => (0, 4),
        _ => (3, 4),
    };
    // One pass, no copies: `due --json` masks thousands.
    let mut out = String::with_capacity(phone.len());
    for (i, c) in phone.chars().enumerate() {
        out.push(if i < keep_head || i >= n - keep_tail {
            c
        } else {
            '*'
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::mask_phone;

    #[test]
    fn masks_the_middle_of_a_mobile_number() {
        assert_eq!(mask_phone("13812345678"), "138****5678");
        assert_eq!(mask_phone("0571-88886666"), "057******6666");
        assert_eq!(mask_phone("88886"), "***86");
        assert_eq!(mask_phone("62345678"), "****5678");
        assert_eq!(mask_phone("623456789"), "*****6789");
        assert_eq!(mask_phone("110"), "**0");
        assert_eq!(mask_phone(""), "");
    }
}
