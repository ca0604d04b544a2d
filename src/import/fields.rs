/// The columns huifang reads, each with its English key and its Chinese header names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Ref,
    Category,
    Major,
    Site,
    Customer,
    Phone,
    Unit,
    Department,
    Matter,
    Summary,
    CompletedAt,
    ContractStart,
    ContractEnd,
    CustomerKind,
    Stage,
}

impl Field {
    pub const ALL: &'static [Field] = &[
        Field::Ref,
        Field::Category,
        Field::Major,
        Field::Site,
        Field::Customer,
        Field::Phone,
        Field::Unit,
        Field::Department,
        Field::Matter,
        Field::Summary,
        Field::CompletedAt,
        Field::ContractStart,
        Field::ContractEnd,
        Field::CustomerKind,
        Field::Stage,
    ];
    pub const REQUIRED: &'static [Field] = &[Field::Ref, Field::Category, Field::CompletedAt];

    pub fn key(self) -> &'static str {
        self.names()[0]
    }

    /// The longest value accepted, in characters: a long summary, short everything else.
    pub fn max_chars(self) -> usize {
        match self {
            Field::Summary => 5000,
            _ => 500,
        }
    }

    /// The main Chinese header.
    pub fn zh(self) -> &'static str {
        self.names()[1]
    }

    /// The English key, then the Chinese headers accepted for it.
    fn names(self) -> &'static [&'static str] {
        match self {
            Field::Ref => &["ref", "编号", "单号", "工单号"],
            Field::Category => &["category", "类别", "类型"],
            Field::Major => &["major", "重大", "是否重大"],
            Field::Site => &["site", "管理处", "小区"],
            Field::Customer => &["customer", "业户", "客户", "业主", "住户"],
            Field::Phone => &["phone", "电话", "联系电话", "手机"],
            Field::Unit => &["unit", "房号", "地址"],
            Field::Department => &["department", "责任部门", "部门"],
            Field::Matter => &["matter", "事项"],
            Field::Summary => &["summary", "内容", "摘要"],
            Field::CompletedAt => &["completed_at", "完成时间", "处理完成时间"],
            Field::ContractStart => &["contract_start", "合同开始"],
            Field::ContractEnd => &["contract_end", "合同结束"],
            Field::CustomerKind => &["customer_kind", "客户类型", "客户性质"],
            Field::Stage => &["stage", "阶段", "项目阶段"],
        }
    }
}

/// The field a column header names, in English (any case) or Chinese.
pub fn field_for_header(h: &str) -> Option<Field> {
    let h = h.trim().trim_start_matches('\u{FEFF}');
    Field::ALL
        .iter()
        .copied()
        .find(|f| f.names().iter().any(|n| n.eq_ignore_ascii_case(h)))
}
