//! Configuration: the rules (a preset compiled in, the user's file merged over it) and the
//! desk's settings. A user names only what differs; an unknown key, a bad value or an impossible
//! window is an error naming the file, line and key.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::domain::{Anchor, Channel};
use crate::error::BadInput;
use crate::rules::calendar::{self, Calendar, YearTable};
use crate::rules::{ContactHours, Offset, Spacing, Span};

/// The presets shipped in `assets/presets/`, by the name `preset = "…"` takes.
pub const PRESETS: &[(&str, &str)] = &[
    (
        "callback-sop",
        include_str!("../assets/presets/callback-sop.toml"),
    ),
    (
        "visit-sop",
        include_str!("../assets/presets/visit-sop.toml"),
    ),
    (
        "unit-periodic",
        include_str!("../assets/presets/unit-periodic.toml"),
    ),
    ("sales", include_str!("../assets/presets/sales.toml")),
    (
        "engineering-repair",
        include_str!("../assets/presets/engineering-repair.toml"),
    ),
    ("hotline", include_str!("../assets/presets/hotline.toml")),
    (
        "real-estate",
        include_str!("../assets/presets/real-estate.toml"),
    ),
    ("delivery", include_str!("../assets/presets/delivery.toml")),
];
pub const DEFAULT_PRESET: &str = "callback-sop";

/// Roles a call-back or an escalation can be given to.
pub const ROLES: &[(&str, &str)] = &[
    ("customer_service", "客服中心"),
    ("department_and_customer_service", "被投诉部门与客服中心"),
    ("supervisor", "客服主管"),
    ("manager", "管理处经理"),
];

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// The preset the rules start from: `callback-sop` (default) or `visit-sop`.
    pub preset: Option<String>,
    /// The rule set's name, shown in `rules explain`.
    pub name: String,
    /// The rule set's version, kept on every task it makes.
    pub version: String,
    /// `system` or an IANA zone (`Asia/Shanghai`); whole days are counted in it.
    pub timezone: String,
    /// Who is at the keyboard, when the OS user name is not the right one.
    pub operator: Option<String>,
    pub escalation: EscalationRule,
    pub repeats: RepeatRule,
    /// When customers may be called (不得随意打扰客户).
    pub hours: HoursRule,
    /// Periodic call-backs (回访周期一般不超过半年): off unless enabled.
    pub periodic: PeriodicRule,
    pub categories: BTreeMap<String, CategoryRule>,
    /// Roles beyond the built-in four, code → Chinese name: `general_manager = "总经理"`.
    pub roles: BTreeMap<String, String>,
    /// The TUI's settings.
    pub ui: UiConfig,
    /// Key bindings over the defaults: `[keys.queue] no_answer = "n"` (see `huifang` `?`).
    pub keys: BTreeMap<String, BTreeMap<String, String>>,
    /// The holiday calendar that working days (`3wd`) count on.
    pub holidays: HolidayConfig,
    /// Mapping profiles for `import --profile NAME`: `[profiles.NAME]`, in the shape of
    /// `assets/profiles/*.toml`.
    pub profiles: BTreeMap<String, crate::import::ProfileSpec>,
    /// How long records stay in the live database before `huifang archive` may move them.
    pub retention: RetentionRule,
    /// Built from `holidays` when the config is loaded and checked.
    #[serde(skip)]
    calendar: Calendar,
    /// `profiles`, checked when the config is loaded.
    #[serde(skip)]
    compiled_profiles: BTreeMap<String, crate::import::Profile>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct UiConfig {
    /// `zh` (default) or `en`.
    pub language: Option<String>,
    /// The operator's own site, shown in the status bar and used as the default filter.
    pub site: Option<String>,
    /// How long opening a call-back holds it for you, in minutes.
    pub claim_minutes: u32,
    /// A softphone's command line; `{phone}` is replaced by the number: `linphonec -c "call {phone}"`.
    pub dial_command: Option<String>,
    /// How often the TUI looks for other operators' work, in milliseconds.
    pub refresh_ms: u64,
    /// The company printed at the top of visit sheets (`huifang sheet`), above the site.
    pub company: Option<String>,
    /// Where the TUI's print key writes visit sheets (default: `sheets` in the data dir).
    pub sheets_dir: Option<PathBuf>,
}

impl Default for UiConfig {
    fn default() -> Self {
        Self {
            language: None,
            site: None,
            claim_minutes: 10,
            dial_command: None,
            refresh_ms: 500,
            company: None,
            sheets_dir: None,
        }
    }
}

/// `[holidays]`: which shipped table working days follow, and years the user adds or replaces.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct HolidayConfig {
    /// A shipped table (`cn`, the default) or `none` (only the years below; weekends elsewhere).
    pub table: String,
    /// `[holidays.years.2027]`: a year's schedule, in the shape of `assets/holidays/cn.toml`.
    /// A year given here replaces the table's year whole.
    pub years: BTreeMap<String, YearTable>,
}

impl Default for HolidayConfig {
    fn default() -> Self {
        Self {
            table: calendar::DEFAULT_TABLE.to_string(),
            years: BTreeMap::new(),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct EscalationRule {
    /// 限期解决: how long the manager has to handle it (a category's `escalation_deadline`
    /// wins); 3 days when neither says.
    pub deadline: Option<Offset>,
    pub role: String,
    /// The re-call-back after the handling is due within this of the handling day: `2d`.
    pub recall_within: Option<Offset>,
    /// Who makes the re-call-back: `customer_service` by default.
    pub recall_role: Option<String>,
    /// Whether "basically satisfied" (基本满意) escalates as "unsatisfied" does (default no).
    pub basic_escalates: bool,
}

impl EscalationRule {
    /// The re-call-back window after handling (default 2 days).
    pub fn recall_within(&self) -> Offset {
        self.recall_within.unwrap_or(Offset {
            amount: 2,
            unit: crate::rules::OffsetUnit::Days,
        })
    }

    pub fn recall_role(&self) -> &str {
        self.recall_role.as_deref().unwrap_or("customer_service")
    }

    /// Whether an outcome opens (or keeps open) an escalation.
    pub fn escalates(&self, outcome: crate::domain::Outcome) -> bool {
        match outcome {
            crate::domain::Outcome::Unsatisfied => true,
            crate::domain::Outcome::Basic => self.basic_escalates,
            crate::domain::Outcome::Satisfied => false,
        }
    }
}

/// `[hours]`: contact hours, globally and per channel; a category's `hours` wins over both.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct HoursRule {
    /// Spans of the day when calls may be made, `["09:00-12:00", "14:00-20:00"]`; empty: any time.
    pub callable: Vec<Span>,
    /// Whether public holidays (by the holiday table) are callable.
    pub holidays: bool,
    /// Other spans for some channels: `[hours.channels] sms = ["08:00-21:00"]`.
    pub channels: BTreeMap<Channel, Vec<Span>>,
}

/// Repeats: the same matter again at the same customer or unit (连续就同一事项投诉, 同一种维修).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct RepeatRule {
    /// How far back earlier events count: one quarter by default.
    pub lookback: Offset,
    /// A customer whose last call-back was unsatisfied is always called back next time.
    pub select_after_unsatisfied: bool,
}

impl Default for RepeatRule {
    fn default() -> Self {
        Self {
            lookback: Offset {
                amount: 3,
                unit: crate::rules::OffsetUnit::Months,
            },
            select_after_unsatisfied: true,
        }
    }
}

/// `[periodic]`: a call-back for every customer not reached for a while (回访周期一般不超过半年).
/// A customer is their phone at a site, else their unit there.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct PeriodicRule {
    /// `huifang plan` (and the TUI at start) make periodic call-backs only when this is on.
    pub enabled: bool,
    /// A customer is due when this long has passed since their latest reached call-back (or,
    /// never reached, their latest event), or since their latest periodic call-back.
    pub period: Offset,
    /// The category (key or Chinese name) the periodic event takes: its role, channels,
    /// attempts and script.
    pub category: String,
    /// The task opens on the planning day and is due this long after it.
    pub window: Offset,
}

impl Default for PeriodicRule {
    fn default() -> Self {
        Self {
            enabled: false,
            period: Offset {
                amount: 6,
                unit: crate::rules::OffsetUnit::Months,
            },
            category: "other".to_string(),
            window: Offset {
                amount: 7,
                unit: crate::rules::OffsetUnit::Days,
            },
        }
    }
}

/// The regulation's retention: records are kept two years (保存两年).
pub const REGULATION_MONTHS: u32 = 24;

/// `[retention]`: records younger than `months` are never archived out of the live database.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct RetentionRule {
    /// At least 24 (the regulation's two years) unless `allow_below_regulation`.
    pub months: u32,
    /// Lets `months` go below 24: a deliberate choice the config must state.
    pub allow_below_regulation: bool,
}

impl Default for RetentionRule {
    fn default() -> Self {
        Self {
            months: REGULATION_MONTHS,
            allow_below_regulation: false,
        }
    }
}

/// The rule names a periodic task carries (`rule` of the task).
pub const PERIODIC_RULE: &str = "periodic#1";

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct CategoryRule {
    /// The Chinese name, accepted wherever the key is.
    pub name: String,
    /// Required call-back rate, 0.0–1.0.
    pub rate: f64,
    pub role: String,
    /// The role for major complaints (重大投诉).
    pub major_role: Option<String>,
    pub channels: Vec<Channel>,
    /// Failed attempts after which the task is `unreachable`.
    pub max_attempts: u32,
    pub windows: Vec<WindowRule>,
    /// The call script (话术): what to ask, in order. Shown beside the record form.
    pub script: Vec<String>,
    /// From this many events on the same matter at one customer or unit (this one included),
    /// the event is always called back: 2 for complaints, 3 for repairs in the presets.
    pub repeat_select_at: Option<u32>,
    /// Contact hours of this category, over `[hours]`.
    pub hours: Option<Vec<Span>>,
    /// The wait before the next try after a failed one: `2h`, `90min`, `1d`.
    pub retry_after: Option<Spacing>,
    /// The channel to switch to after `fallback_after` failed phone attempts (`sms`, `visit`).
    pub fallback_channel: Option<Channel>,
    pub fallback_after: Option<u32>,
    /// 限期解决 for this category's escalations, over `[escalation] deadline`.
    pub escalation_deadline: Option<Offset>,
    /// The evaluation items (评价项目) its record asks; empty in a file means the property
    /// regulations' own (quality, effect, shortcomings, suggestions), filled in at load.
    pub items: Vec<crate::rules::ItemRule>,
    /// Pairs of items whose answers must agree (delivered = received); a mismatch escalates.
    pub must_match: Vec<(String, String)>,
    /// Who a discrepancy goes to at once (发现数量或品种有出入时，即时向总经理汇报), over
    /// `[escalation] role`.
    pub discrepancy_role: Option<String>,
    /// "At least N call-backs a month" (回访频次每月不少于3次), per site or customer, by channel:
    /// `huifang plan` adds call-backs to fill them, `huifang rates` shows the attainment.
    pub quotas: Vec<crate::rules::QuotaRule>,
    /// Call-backs per project stage (根据项目的不同阶段，确定回访频率): stage name → how often
    /// while a project (its unit at a site, else its customer) is in that stage, counted from
    /// the event that reported the stage. A stage not listed gets no recurring call-back.
    pub stages: BTreeMap<String, Offset>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct WindowRule {
    pub anchor: Anchor,
    #[serde(default = "zero")]
    pub opens: Offset,
    pub due: Offset,
}

fn zero() -> Offset {
    Offset::ZERO
}

impl Config {
    /// A role's name for people: Chinese, or the code in English.
    pub fn role_label<'a>(&'a self, code: &'a str, lang: crate::i18n::Lang) -> &'a str {
        match lang {
            crate::i18n::Lang::Zh => ROLES
                .iter()
                .find(|(k, _)| *k == code)
                .map(|(_, zh)| *zh)
                .or_else(|| self.roles.get(code).map(String::as_str))
                .unwrap_or(code),
            crate::i18n::Lang::En => code,
        }
    }

    /// A built-in role or one the config's `[roles]` defines.
    pub fn known_role(&self, code: &str) -> bool {
        ROLES.iter().any(|(k, _)| *k == code) || self.roles.contains_key(code)
    }

    /// The role codes, for error messages.
    fn role_codes(&self) -> String {
        ROLES
            .iter()
            .map(|(k, _)| *k)
            .chain(self.roles.keys().map(String::as_str))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The built-in default: the `callback-sop` preset alone.
    pub fn builtin() -> Self {
        Self::from_user_text(None, "").expect("the built-in preset is valid")
    }

    /// Loads the config the way the binary does: `path` (from `--config`), else `HUIFANG_CONFIG`,
    /// else `config.toml` in the user's config dir when it exists, else the built-in rules.
    pub fn load(path: Option<&Path>) -> Result<Self, BadInput> {
        let path = path
            .map(Path::to_path_buf)
            .or_else(|| std::env::var_os("HUIFANG_CONFIG").map(PathBuf::from))
            .or_else(|| default_config_path().filter(|p| p.exists()));
        match path {
            Some(p) => Self::from_file(&p),
            None => Ok(Self::builtin()),
        }
    }

    pub fn from_file(path: &Path) -> Result<Self, BadInput> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            BadInput::new(format!("{}: cannot read the config: {e}", path.display()))
        })?;
        Self::from_user_text(Some(&path.display().to_string()), &text)
    }

    /// Merges the user's TOML over its preset and checks the result.
    pub fn from_user_text(origin: Option<&str>, text: &str) -> Result<Self, BadInput> {
        let origin = origin.unwrap_or("config");
        // Checked alone first, so that a typo is reported against the user's own line.
        let own: Config = toml::from_str(text).map_err(|e| toml_error(origin, text, &e))?;
        let preset_name = own.preset.as_deref().unwrap_or(DEFAULT_PRESET);
        let preset_text = PRESETS
            .iter()
            .find(|(n, _)| *n == preset_name)
            .map(|(_, t)| *t)
            .ok_or_else(|| {
                let names: Vec<_> = PRESETS.iter().map(|(n, _)| *n).collect();
                let line = locate(text, &["preset"]).unwrap_or(1);
                BadInput::new(format!(
                    "{origin}:{line}: preset: unknown preset `{preset_name}`: expected one of {}",
                    names.join(", ")
                ))
            })?;
        let preset_origin = format!("preset {preset_name}");
        let user: toml::Table = toml::from_str(text).map_err(|e| toml_error(origin, text, &e))?;
        let mut config: Config = if user.is_empty() {
            // Nothing to merge (the built-in rules, or a file of comments): the preset as it is,
            // read once. Every one-shot command starts here: merging and digesting the preset's
            // rules took about 0.3 ms of the 7–8 ms of `huifang due` at 100,000 events.
            toml::from_str(preset_text).map_err(|e| toml_error(&preset_origin, preset_text, &e))?
        } else {
            merged_over_preset(origin, &own, user, &preset_origin, preset_text)?
        };
        for c in config
            .categories
            .values_mut()
            .filter(|c| c.items.is_empty())
        {
            c.items = crate::rules::default_items();
        }
        config.calendar = config.validate(origin, text)?;
        let mut problems = Vec::new();
        let mut compiled = BTreeMap::new();
        for (name, spec) in &config.profiles {
            match crate::import::Profile::compile(spec, origin, text, &["profiles", name], &config)
            {
                Ok(p) => {
                    compiled.insert(name.clone(), p);
                }
                Err(e) => problems.extend(e.problems),
            }
        }
        config.compiled_profiles = compiled;
        if !problems.is_empty() {
            return Err(BadInput::many(problems));
        }
        Ok(config)
    }

    /// A `[profiles.NAME]` of the config, checked.
    pub fn profile(&self, name: &str) -> Option<&crate::import::Profile> {
        self.compiled_profiles.get(name)
    }

    /// The holiday calendar working days count on: the shipped table with the user's years.
    pub fn calendar(&self) -> &Calendar {
        &self.calendar
    }

    /// When a customer of this category may be reached through `channel`.
    pub fn contact_hours(&self, category: &str, channel: Channel) -> ContactHours<'_> {
        let own = self
            .category(category)
            .and_then(|(_, r)| r.hours.as_deref());
        let spans = own
            .or_else(|| self.hours.channels.get(&channel).map(Vec::as_slice))
            .unwrap_or(&self.hours.callable);
        ContactHours {
            spans,
            holidays: self.hours.holidays,
        }
    }

    /// 限期解决 of an escalation of `category`: the category's own, else `[escalation]`'s, else 3d.
    pub fn escalation_deadline(&self, category: &str) -> Offset {
        self.category(category)
            .and_then(|(_, r)| r.escalation_deadline)
            .or(self.escalation.deadline)
            .unwrap_or(Offset {
                amount: 3,
                unit: crate::rules::OffsetUnit::Days,
            })
    }

    /// Finds a category by its key or its Chinese name.
    pub fn category(&self, key_or_name: &str) -> Option<(&str, &CategoryRule)> {
        let s = key_or_name.trim();
        self.categories
            .iter()
            .find(|(k, r)| k.as_str() == s || r.name == s)
            .map(|(k, r)| (k.as_str(), r))
    }

    /// `a|b|c` of the category keys, for error messages.
    pub fn category_keys(&self) -> String {
        self.categories
            .keys()
            .cloned()
            .collect::<Vec<_>>()
            .join("|")
    }

    fn validate(&self, origin: &str, text: &str) -> Result<Calendar, BadInput> {
        let mut problems = Vec::new();
        let mut problem = |path: &[&str], msg: String| {
            let at = match locate(text, path) {
                Some(line) => format!("{origin}:{line}"),
                None => format!(
                    "{origin} (from preset {})",
                    self.preset.as_deref().unwrap_or(DEFAULT_PRESET)
                ),
            };
            problems.push(format!("{at}: {}: {msg}", key_path(path)));
        };
        let mut cal = Calendar::shipped(&self.holidays.table).unwrap_or_else(|| {
            problem(
                &["holidays", "table"],
                format!(
                    "unknown holiday table `{}`: expected one of {}",
                    self.holidays.table,
                    Calendar::table_names().join(", ")
                ),
            );
            Calendar::weekends_only()
        });
        for (key, year) in &self.holidays.years {
            let at = ["holidays", "years", key.as_str()];
            match calendar::parse_year_key(key) {
                Err(m) => problem(&at, m),
                Ok(y) => {
                    if let Err(ps) = cal.set_year(y, year, "config") {
                        for p in ps {
                            let path: Vec<&str> = at
                                .iter()
                                .copied()
                                .chain(p.path.iter().map(String::as_str))
                                .collect();
                            problem(&path, p.message);
                        }
                    }
                }
            }
        }
        crate::clock::Zone::parse(&self.timezone)
            .err()
            .into_iter()
            .for_each(|e| problem(&["timezone"], e));
        let known_role = |r: &str| self.known_role(r);
        let roles = || self.role_codes();
        if !known_role(&self.escalation.role) {
            problem(
                &["escalation", "role"],
                format!(
                    "unknown role `{}`: expected one of {}",
                    self.escalation.role,
                    roles()
                ),
            );
        }
        if let Some(r) = self
            .escalation
            .recall_role
            .as_deref()
            .filter(|r| !known_role(r))
        {
            problem(
                &["escalation", "recall_role"],
                format!("unknown role `{r}`: expected one of {}", roles()),
            );
        }
        if self.escalation.recall_within.is_some_and(|o| o.amount < 0) {
            problem(
                &["escalation", "recall_within"],
                "must not be negative: the re-call-back follows the handling".into(),
            );
        }
        if self.ui.claim_minutes == 0 || self.ui.claim_minutes > 24 * 60 {
            problem(
                &["ui", "claim_minutes"],
                format!(
                    "{} is not a claim time: expected 1 to 1440 minutes",
                    self.ui.claim_minutes
                ),
            );
        }
        if !(50..=60_000).contains(&self.ui.refresh_ms) {
            problem(
                &["ui", "refresh_ms"],
                format!(
                    "{} is not a refresh interval: expected 50 to 60000 ms",
                    self.ui.refresh_ms
                ),
            );
        }
        if let Some(l) = self
            .ui
            .language
            .as_deref()
            .filter(|l| crate::i18n::Lang::parse(l).is_none())
        {
            problem(
                &["ui", "language"],
                format!("`{l}` is not a language: expected \"zh\" or \"en\""),
            );
        }
        let r = &self.retention;
        if r.months == 0 {
            problem(
                &["retention", "months"],
                "0 is not a retention: expected a number of months, 24 or more".into(),
            );
        } else if r.months < REGULATION_MONTHS && !r.allow_below_regulation {
            problem(
                &["retention", "months"],
                format!(
                    "{} months is below the regulation's {REGULATION_MONTHS} (records are kept two years, 保存两年): expected {REGULATION_MONTHS} or more, or set `allow_below_regulation = true` in [retention] to keep them shorter on purpose",
                    r.months
                ),
            );
        }
        let p = &self.periodic;
        if self.category(&p.category).is_none() {
            problem(
                &["periodic", "category"],
                format!(
                    "unknown category `{}`: expected one of {}",
                    p.category,
                    self.category_keys()
                ),
            );
        }
        if p.period.amount <= 0 {
            problem(
                &["periodic", "period"],
                format!(
                    "{} is not a period: expected a positive offset like \"6m\"",
                    p.period
                ),
            );
        }
        if p.window.amount < 0 {
            problem(
                &["periodic", "window"],
                format!("{} is not a window: expected \"0d\" or more", p.window),
            );
        }
        if self.categories.is_empty() {
            problem(
                &["categories"],
                "no categories: at least one is needed".into(),
            );
        }
        for (key, c) in &self.categories {
            let at = |field: &'static str| ["categories", key.as_str(), field];
            if !(0.0..=1.0).contains(&c.rate) || c.rate.is_nan() {
                problem(
                    &at("rate"),
                    format!(
                        "{} is not a rate: expected a share from 0.0 to 1.0 (0.6 = 60%)",
                        c.rate
                    ),
                );
            }
            for (field, role) in [
                ("role", Some(&c.role)),
                ("major_role", c.major_role.as_ref()),
            ] {
                if let Some(r) = role.filter(|r| !known_role(r)) {
                    problem(
                        &at(field),
                        format!("unknown role `{r}`: expected one of {}", roles()),
                    );
                }
            }
            if c.channels.is_empty() {
                problem(
                    &at("channels"),
                    format!("no channels: expected some of {}", Channel::codes()),
                );
            }
            if let Some(f) = c.fallback_channel.filter(|f| !c.channels.contains(f)) {
                problem(
                    &at("fallback_channel"),
                    format!("{f} is not among the category's channels"),
                );
            }
            if c.fallback_channel.is_some() != c.fallback_after.is_some()
                || c.fallback_after == Some(0)
            {
                problem(
                    &at("fallback_after"),
                    "fallback_channel and fallback_after (at least 1) go together".into(),
                );
            }
            if c.max_attempts == 0 {
                problem(&at("max_attempts"), "must be at least 1".into());
            }
            for (n, q) in c.quotas.iter().enumerate() {
                let n = format!("[{n}]");
                for (field, why) in q.check(&c.channels, &known_role) {
                    problem(&["categories", key.as_str(), "quotas", &n, field], why);
                }
            }
            for (stage, every) in &c.stages {
                if every.amount <= 0 {
                    problem(
                        &["categories", key.as_str(), "stages", stage.as_str()],
                        format!(
                            "{every} is not a frequency: expected a positive offset like \"2w\""
                        ),
                    );
                }
            }
            for (under, why) in crate::rules::check_items(c, &known_role) {
                let mut path = vec!["categories", key.as_str()];
                path.extend(under.iter().map(String::as_str));
                problem(&path, why);
            }
            if c.windows.is_empty() {
                problem(
                    &at("windows"),
                    "no windows: a category needs at least one call-back window".into(),
                );
            }
            for (i, w) in c.windows.iter().enumerate() {
                if let Some(d) = impossible_window(w, &cal) {
                    problem(
                        &at("windows"),
                        format!(
                            "window {} is impossible: opens {} after it is due {} (anchored on {d})",
                            i + 1,
                            w.opens,
                            w.due
                        ),
                    );
                }
            }
        }
        if problems.is_empty() {
            Ok(cal)
        } else {
            Err(BadInput::many(problems))
        }
    }
}

/// `holidays.years.2027.makeup_workdays[1]`: the path's keys joined, array indices attached.
pub(crate) fn key_path(path: &[&str]) -> String {
    let mut s = String::new();
    for p in path {
        if !s.is_empty() && !p.starts_with('[') {
            s.push('.');
        }
        s.push_str(p);
    }
    s
}

/// A window whose opening falls after its due date for some anchor date, named by that date.
/// Working days count on `cal`; the probes include holiday runs and a weekend.
fn impossible_window(w: &WindowRule, cal: &Calendar) -> Option<chrono::NaiveDate> {
    let probes = [
        (2026, 1, 31),
        (2026, 2, 28),
        (2028, 2, 29),
        (2026, 6, 15),
        (2026, 12, 31),
        (2026, 2, 13),
        (2026, 9, 30),
        (2026, 10, 3),
    ];
    probes.iter().find_map(|&(y, m, d)| {
        let a = chrono::NaiveDate::from_ymd_opt(y, m, d)?;
        (w.opens.apply(a, cal)? > w.due.apply(a, cal)?).then_some(a)
    })
}

/// The keys of a config that decide windows, selection and roles.
const RULE_KEYS: &[&str] = &[
    "categories",
    "repeats",
    "escalation",
    "holidays",
    "periodic",
];

/// The user's table `user` merged over the preset's, as a config. A user's file that changes
/// the rules without naming its own version gets the preset's version with a digest of the
/// rules, so tasks made under it are told apart.
fn merged_over_preset(
    origin: &str,
    own: &Config,
    user: toml::Table,
    preset_origin: &str,
    preset_text: &str,
) -> Result<Config, BadInput> {
    let mut merged: toml::Table =
        toml::from_str(preset_text).map_err(|e| toml_error(preset_origin, preset_text, &e))?;
    let preset_digest = rules_digest(&merged);
    merge(&mut merged, user);
    if own.version.is_empty() {
        let digest = rules_digest(&merged);
        if digest != preset_digest
            && let Some(toml::Value::String(v)) = merged.get_mut("version")
        {
            *v = format!("{v}+{:08x}", digest & 0xffff_ffff);
        }
    }
    toml::Value::Table(merged)
        .try_into()
        .map_err(|e: toml::de::Error| BadInput::new(format!("{origin}: {}", e.message())))
}

/// A stable digest of the rules in a merged config table.
fn rules_digest(t: &toml::Table) -> u64 {
    let rules: toml::Table = RULE_KEYS
        .iter()
        .filter_map(|k| t.get(*k).map(|v| (k.to_string(), v.clone())))
        .collect();
    crate::rules::stable_hash(&toml::to_string(&rules).unwrap_or_default())
}

/// Deep-merges `over` into `base`: tables merge key by key, anything else replaces.
fn merge(base: &mut toml::Table, over: toml::Table) {
    for (k, v) in over {
        match (base.get_mut(&k), v) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge(b, o),
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
}

fn line_of(text: &str, byte: usize) -> usize {
    text[..byte.min(text.len())].matches('\n').count() + 1
}

/// The line where the key at `path` is written in `text`, if it is. A segment `[i]` is the
/// `i`-th element of an array.
pub(crate) fn locate(text: &str, path: &[&str]) -> Option<usize> {
    use toml::de::{DeArray, DeTable, DeValue};
    let root = DeTable::parse(text).ok()?;
    let mut table: Option<&DeTable> = Some(root.get_ref());
    let mut array: Option<&DeArray> = None;
    let mut line = None;
    for name in path {
        let value = match name.strip_prefix('[').and_then(|n| n.strip_suffix(']')) {
            Some(index) => {
                let Some(v) = array.and_then(|a| a.get(index.parse::<usize>().ok()?)) else {
                    return line;
                };
                line = Some(line_of(text, v.span().start));
                v
            }
            None => {
                let Some(t) = table else {
                    return line;
                };
                let (k, v) = t.iter().find(|(k, _)| k.get_ref().as_ref() == *name)?;
                line = Some(line_of(text, k.span().start));
                v
            }
        };
        (table, array) = match value.get_ref() {
            DeValue::Table(t) => (Some(t), None),
            DeValue::Array(a) => (None, Some(a)),
            _ => (None, None),
        };
    }
    line
}

pub(crate) fn toml_error(origin: &str, text: &str, e: &toml::de::Error) -> BadInput {
    let msg = e.message().trim();
    match e.span() {
        Some(span) => {
            let line = line_of(text, span.start);
            let src = text.lines().nth(line - 1).unwrap_or("").trim();
            let key = src
                .split('=')
                .next()
                .map(str::trim)
                .filter(|k| src.contains('=') && !k.is_empty());
            match key {
                Some(k) => BadInput::new(format!("{origin}:{line}: {k}: {msg} (in `{src}`)")),
                None => BadInput::new(format!("{origin}:{line}: {msg} (in `{src}`)")),
            }
        }
        None => BadInput::new(format!("{origin}: {msg}")),
    }
}

/// `config.toml` in the platform's config dir (`~/.config/huifang/` on Linux).
pub fn default_config_path() -> Option<PathBuf> {
    project_dirs().map(|d| d.config_dir().join("config.toml"))
}

pub fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("", "", "huifang")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_preset_read_alone_is_the_preset_merged_with_nothing() {
        for (name, text) in PRESETS {
            let alone: Config = toml::from_str(text).unwrap();
            let merged =
                merged_over_preset("t", &Config::default(), toml::Table::new(), name, text)
                    .unwrap();
            assert_eq!(format!("{alone:?}"), format!("{merged:?}"), "preset {name}");
        }
    }

    #[test]
    fn builtin_has_the_eight_categories() {
        let c = Config::builtin();
        assert_eq!(c.categories.len(), 8);
        assert_eq!(c.category("维修").unwrap().0, "repair");
        assert_eq!(c.version, "callback-sop/1");
    }

    #[test]
    fn user_values_merge_over_the_preset() {
        let c = Config::from_user_text(None, "[categories.repair]\nrate = 0.7\n").unwrap();
        let (_, r) = c.category("repair").unwrap();
        assert_eq!(r.rate, 0.7);
        assert_eq!(r.windows.len(), 1, "windows kept from the preset");
    }

    #[test]
    fn unknown_key_names_file_line_and_key() {
        let e = Config::from_user_text(
            Some("my.toml"),
            "timezone = \"system\"\n[categories.repair]\nrat = 0.7\n",
        )
        .unwrap_err();
        assert!(e.to_string().starts_with("my.toml:3: rat:"), "{e}");
    }

    #[test]
    fn bad_rate_and_impossible_window_are_located() {
        let text = "[categories.repair]\nrate = 1.5\nwindows = [{ anchor = \"completion\", opens = \"2m\", due = \"1m\" }]\n";
        let e = Config::from_user_text(Some("u.toml"), text)
            .unwrap_err()
            .to_string();
        assert!(e.contains("u.toml:2: categories.repair.rate"), "{e}");
        assert!(
            e.contains("u.toml:3: categories.repair.windows: window 1 is impossible"),
            "{e}"
        );
    }

    #[test]
    fn visit_preset_is_selectable() {
        let c = Config::from_user_text(None, "preset = \"visit-sop\"\n").unwrap();
        assert_eq!(c.category("repair").unwrap().1.rate, 0.8);
        let e = Config::from_user_text(Some("x"), "preset = \"nope\"\n").unwrap_err();
        assert!(e.to_string().contains("x:1: preset: unknown preset"), "{e}");
    }
}
