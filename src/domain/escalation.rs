use super::coded_enum;

coded_enum! {
    /// Where an escalation (升级 / 不合格处理) stands.
    EscalationState {
        Open = "open", "待处理";
        Handled = "handled", "已处理";
        Closed = "closed", "已关闭";
    }
}

coded_enum! {
    /// One step in an escalation's history.
    StepKind {
        Opened = "opened", "升级";
        Assigned = "assigned", "指派";
        Handled = "handled", "处理";
        Recalled = "recalled", "再次回访";
        Reopened = "reopened", "再次升级";
        Closed = "closed", "关闭";
    }
}
