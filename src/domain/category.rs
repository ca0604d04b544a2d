/// A category key (`complaint`, `repair`, …). Categories are defined by the rules, so this is an
/// open set; the eight of the property-management regulations are built in.
pub type Category = String;

/// The built-in categories with their Chinese names, in the regulations' order.
pub const BUILTIN_CATEGORIES: &[(&str, &str)] = &[
    ("complaint", "投诉"),
    ("repair", "维修"),
    ("special_service", "特约服务"),
    ("emergency", "急救"),
    ("help", "求助"),
    ("publication", "报刊杂志"),
    ("event", "文体活动"),
    ("other", "其他"),
];
