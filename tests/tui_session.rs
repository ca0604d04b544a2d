//! Scripted sessions: crossterm key events through `update::route`, then `App::handle` against
//! the real store on a temp file — what an operator's keystrokes do to the database.

mod common_tui;

use common_tui::*;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use huifang::domain::{Channel, Outcome, TaskState};
use huifang::i18n::Lang;
use huifang::store::Reads;
use huifang::tui::app::App;
use huifang::tui::state::{Focus, Overlay, ThenDo};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn selected_ref(app: &App) -> String {
    app.state
        .queue
        .current()
        .expect("a selected call-back")
        .event_ref
        .clone()
}

fn shown_refs(app: &App) -> Vec<String> {
    app.state
        .queue
        .shown
        .iter()
        .map(|&i| app.state.queue.all[i].event_ref.clone())
        .collect()
}

#[test]
fn enter_1_ctrl_s_records_and_moves_down_the_queue() {
    let db = Db::filled();
    let mut app = db.app(Lang::Zh, "测试员");
    let before = shown_refs(&app);
    assert_eq!(before.len(), 10, "{before:?}");
    assert_eq!(
        before[0], "TS-2026-101",
        "the overdue complaint comes first"
    );
    for (n, reference) in before.iter().take(3).enumerate() {
        assert_eq!(&selected_ref(&app), reference);
        let task = app.state.queue.current().unwrap().task_id;
        // Three keystrokes.
        press(&mut app, key(KeyCode::Enter));
        assert!(app.state.form.is_some(), "Enter opens the form");
        assert_eq!(app.state.focus, Focus::Record);
        press(&mut app, ch('1'));
        press(&mut app, ctrl('s'));
        assert!(
            app.state.form.is_none(),
            "saving closes the form: {:?}",
            app.state.message
        );
        assert_eq!(app.state.focus, Focus::Queue);
        // The selection moved on to the next call-back.
        assert_eq!(&selected_ref(&app), &before[n + 1]);
        assert_eq!(app.state.done_today, n as u64 + 1);
        // The store has the record, by this operator, on the phone, satisfied; no claim left.
        let store = db.store();
        let rec = store.record_of_task(task).unwrap().expect("a record");
        assert_eq!(rec.record.outcome, Outcome::Satisfied);
        assert_eq!(rec.record.channel, Channel::Phone);
        assert_eq!(rec.operator, "测试员");
        assert_eq!(rec.recorded_at, now());
        assert_eq!(store.task(task).unwrap().unwrap().state, TaskState::Done);
        assert_eq!(store.claim_of(task).unwrap(), None);
    }
    assert_eq!(shown_refs(&app), before[3..].to_vec());
    // A satisfied outcome opens no escalation: still the two of the data set.
    assert_eq!(app.state.escalations.items.len(), 2);
}

#[test]
fn unsatisfied_outcome_is_escalated() {
    let db = Db::filled();
    let mut app = db.app(Lang::En, "测试员");
    let task = app.state.queue.current().unwrap().task_id;
    press(&mut app, key(KeyCode::Enter));
    press(&mut app, ch('3'));
    press(&mut app, ctrl('s'));
    assert!(app.state.form.is_none());
    assert_eq!(app.state.escalations.items.len(), 3);
    let rec = db.store().record_of_task(task).unwrap().unwrap();
    assert_eq!(rec.record.outcome, Outcome::Unsatisfied);
}

#[test]
fn saving_without_an_outcome_keeps_the_form_and_says_why() {
    let db = Db::filled();
    let mut app = db.app(Lang::Zh, "测试员");
    let task = app.state.queue.current().unwrap().task_id;
    press(&mut app, key(KeyCode::Enter));
    press(&mut app, ctrl('s'));
    let form = app.state.form.as_ref().expect("the form stays open");
    assert!(
        form.error.as_deref().unwrap_or("").contains("满意"),
        "{:?}",
        form.error
    );
    assert!(db.store().record_of_task(task).unwrap().is_none());
}

#[test]
fn chinese_text_in_a_field_cursor_and_backspace() {
    let db = Db::filled();
    let mut app = db.app(Lang::Zh, "测试员");
    press(&mut app, key(KeyCode::Enter));
    press(&mut app, ch('1'));
    for _ in 0..4 {
        press(&mut app, key(KeyCode::Tab));
    }
    type_text(&mut app, "墙面水渍");
    for (w, h) in [(80, 24), (160, 48)] {
        let mut terminal = render(&mut app, w, h);
        // The cursor sits right after the last wide character: 渍 fills the two cells before it.
        let pos = terminal.get_cursor_position().unwrap();
        let buf = terminal.backend().buffer();
        assert_eq!(
            buf[(pos.x - 2, pos.y)].symbol(),
            "渍",
            "cursor at {pos:?} ({w}×{h})"
        );
        assert_eq!(buf[(pos.x - 4, pos.y)].symbol(), "水");
    }
    press(&mut app, key(KeyCode::Backspace));
    assert_eq!(
        app.state
            .form
            .as_ref()
            .unwrap()
            .typed("shortcomings")
            .unwrap(),
        "墙面水",
        "backspace deletes one character"
    );
    press(&mut app, key(KeyCode::Left));
    press(&mut app, ch('的'));
    assert_eq!(
        app.state
            .form
            .as_ref()
            .unwrap()
            .typed("shortcomings")
            .unwrap(),
        "墙面的水"
    );
    // `q` and `n` in a text field are text, not keys.
    type_text(&mut app, "qn");
    assert!(!app.state.quit);
    assert_eq!(
        app.state
            .form
            .as_ref()
            .unwrap()
            .typed("shortcomings")
            .unwrap(),
        "墙面的qn水"
    );
    let task = app.state.form.as_ref().unwrap().task_id;
    press(&mut app, ctrl('s'));
    let rec = db.store().record_of_task(task).unwrap().unwrap();
    assert_eq!(rec.record.shortcomings, "墙面的qn水");
}

#[test]
fn n_logs_no_answer_and_the_third_makes_it_unreachable() {
    let db = Db::filled();
    let mut app = db.app(Lang::Zh, "测试员");
    let first = app.state.queue.current().unwrap().clone();
    for n in 1..=2u32 {
        press(&mut app, ch('n'));
        let item = app.state.queue.current().unwrap();
        assert_eq!(
            item.task_id, first.task_id,
            "still selected after attempt {n}"
        );
        assert_eq!(item.attempts, n);
        let msg = &app.state.message.as_ref().unwrap().1;
        assert!(msg.contains(&format!("{n}/3")), "{msg}");
    }
    press(&mut app, ch('n'));
    assert!(
        app.state
            .queue
            .all
            .iter()
            .all(|d| d.task_id != first.task_id),
        "unreachable leaves the queue"
    );
    assert!(app.state.message.as_ref().unwrap().1.contains("联系不上"));
    let store = db.store();
    assert_eq!(
        store.task(first.task_id).unwrap().unwrap().state,
        TaskState::Unreachable
    );
    let attempts = store.attempts_of_task(first.task_id).unwrap();
    assert_eq!(attempts.len(), 3);
    assert!(attempts.iter().all(|a| a.operator == "测试员"));
    assert_eq!(store.record_of_task(first.task_id).unwrap(), None);
}

#[test]
fn attempt_menu_logs_the_chosen_result() {
    let db = Db::filled();
    let mut app = db.app(Lang::Zh, "测试员");
    let task = app.state.queue.current().unwrap().task_id;
    press(&mut app, ch('a'));
    assert_eq!(app.state.overlay, Some(Overlay::AttemptMenu(task)));
    press(&mut app, ch('2'));
    assert_eq!(app.state.overlay, None);
    let attempts = db.store().attempts_of_task(task).unwrap();
    assert_eq!(attempts.len(), 1);
    assert_eq!(attempts[0].result, huifang::domain::AttemptResult::ALL[1]);
    // Esc closes the menu without logging anything.
    press(&mut app, ch('a'));
    press(&mut app, key(KeyCode::Esc));
    assert_eq!(app.state.overlay, None);
    assert_eq!(db.store().attempts_of_task(task).unwrap().len(), 1);
}

#[test]
fn search_filters_customer_unit_ref_and_matter_and_esc_clears() {
    let db = Db::filled();
    let mut app = db.app(Lang::Zh, "测试员");
    let all = shown_refs(&app);
    let search = |app: &mut App, s: &str| {
        press(app, ch('/'));
        assert!(app.state.queue.searching);
        type_text(app, s);
        let got = shown_refs(app);
        press(app, key(KeyCode::Esc));
        assert!(!app.state.queue.searching);
        assert_eq!(app.state.queue.search.value(), "");
        got
    };
    assert_eq!(
        search(&mut app, "欧阳"),
        ["TS-2026-101", "QT-2026-601"],
        "customer"
    );
    assert_eq!(
        search(&mut app, "3栋2单元"),
        ["TS-2026-101", "TS-2026-103"],
        "unit"
    );
    assert_eq!(
        search(&mut app, "wx-2026"),
        ["WX-2026-201"],
        "ref, any case"
    );
    assert_eq!(search(&mut app, "漏水"), ["TS-2026-101"], "matter");
    assert_eq!(search(&mut app, "没有这个人"), Vec::<String>::new());
    assert_eq!(shown_refs(&app), all, "Esc cleared the search");

    // Enter keeps the filter and gives the keys back to the queue; Esc then clears it.
    press(&mut app, ch('/'));
    type_text(&mut app, "电梯");
    press(&mut app, key(KeyCode::Enter));
    assert!(!app.state.queue.searching);
    assert_eq!(shown_refs(&app), ["TS-2026-105"]);
    assert_eq!(
        app.state.detail.as_ref().unwrap().event.event.reference,
        "TS-2026-105",
        "the detail follows"
    );
    press(&mut app, key(KeyCode::Esc));
    assert_eq!(shown_refs(&app), all);
    // Backspace while searching widens again.
    press(&mut app, ch('/'));
    type_text(&mut app, "欧阳娜");
    assert_eq!(shown_refs(&app).len(), 1);
    press(&mut app, key(KeyCode::Backspace));
    assert_eq!(shown_refs(&app).len(), 2);
}

#[test]
fn esc_on_a_typed_form_asks_before_discarding() {
    let db = Db::filled();
    let mut app = db.app(Lang::Zh, "测试员");
    let task = app.state.queue.current().unwrap().task_id;
    // A form with nothing typed closes at once, and lets the claim go.
    press(&mut app, key(KeyCode::Enter));
    assert_eq!(
        db.store().claim_of(task).unwrap().map(|c| c.0),
        Some("测试员".into())
    );
    press(&mut app, key(KeyCode::Esc));
    assert!(app.state.form.is_none());
    assert_eq!(app.state.overlay, None);
    assert_eq!(db.store().claim_of(task).unwrap(), None);

    press(&mut app, key(KeyCode::Enter));
    press(&mut app, ch('2'));
    press(&mut app, key(KeyCode::Esc));
    assert_eq!(
        app.state.overlay,
        Some(Overlay::ConfirmDiscard(ThenDo::CloseForm))
    );
    press(&mut app, ch('n'));
    assert_eq!(app.state.overlay, None);
    let form = app.state.form.as_ref().expect("n keeps the form");
    assert_eq!(form.outcome, Some(Outcome::Basic));
    press(&mut app, key(KeyCode::Esc));
    press(&mut app, key(KeyCode::Esc));
    assert!(app.state.form.is_some(), "Esc on the question is no");
    press(&mut app, key(KeyCode::Esc));
    press(&mut app, ch('y'));
    assert!(app.state.form.is_none());
    assert_eq!(app.state.focus, Focus::Queue);
    assert_eq!(
        db.store().claim_of(task).unwrap(),
        None,
        "discarding lets the claim go"
    );
    assert_eq!(db.store().record_of_task(task).unwrap(), None);
}

#[test]
fn q_with_unsaved_input_asks_first() {
    let db = Db::filled();
    let mut app = db.app(Lang::Zh, "测试员");
    let task = app.state.queue.current().unwrap().task_id;
    press(&mut app, key(KeyCode::Enter));
    press(&mut app, ch('1'));
    press(&mut app, ch('q'));
    assert!(!app.state.quit);
    assert_eq!(
        app.state.overlay,
        Some(Overlay::ConfirmDiscard(ThenDo::Quit))
    );
    press(&mut app, ch('n'));
    assert!(!app.state.quit);
    assert!(app.state.form.is_some());
    press(&mut app, ctrl('c'));
    assert_eq!(
        app.state.overlay,
        Some(Overlay::ConfirmDiscard(ThenDo::Quit)),
        "Ctrl-C asks too"
    );
    press(&mut app, ch('y'));
    assert!(app.state.quit);
    assert_eq!(db.store().claim_of(task).unwrap(), None);
    assert_eq!(db.store().record_of_task(task).unwrap(), None);

    // Nothing typed: q quits at once.
    let mut app = db.app(Lang::Zh, "测试员");
    press(&mut app, ch('q'));
    assert!(app.state.quit);
    assert_eq!(app.state.overlay, None);
}

#[test]
fn two_operators_on_one_database_claims_and_live_refresh() {
    let db = Db::filled();
    let mut a = db.app(Lang::Zh, "周小青");
    let mut b = db.app(Lang::Zh, "测试员");
    let first = a.state.queue.current().unwrap().task_id;
    assert_eq!(b.state.queue.current().unwrap().task_id, first);

    // A opens the call-back: it is claimed.
    press(&mut a, key(KeyCode::Enter));
    assert!(a.state.form.is_some());
    // B sees the claim without a keypress, and cannot open it.
    assert!(b.poll_changes().unwrap(), "A's claim is a change");
    let text = screen_text(&render(&mut b, 160, 48));
    assert!(text.contains("占:周小青"), "{text}");
    press(&mut b, key(KeyCode::Enter));
    assert!(b.state.form.is_none(), "B is refused");
    let msg = &b.state.message.as_ref().expect("a message").1;
    assert!(msg.contains("周小青"), "{msg}");
    // Nor record it any other way.
    press(&mut b, ch('n'));
    assert!(b.state.message.as_ref().unwrap().1.contains("周小青"));
    assert!(db.store().attempts_of_task(first).unwrap().is_empty());

    // A leaves with Esc: B can open it now.
    press(&mut a, key(KeyCode::Esc));
    assert!(b.poll_changes().unwrap());
    press(&mut b, key(KeyCode::Enter));
    assert!(b.state.form.is_some(), "{:?}", b.state.message);
    press(&mut b, key(KeyCode::Esc));

    // A records it; B's queue loses it at the next poll, without a keypress.
    a.poll_changes().unwrap();
    press(&mut a, key(KeyCode::Enter));
    press(&mut a, ch('1'));
    press(&mut a, ctrl('s'));
    assert!(a.state.form.is_none(), "{:?}", a.state.message);
    assert_eq!(b.state.done_today, 0);
    assert!(b.poll_changes().unwrap());
    assert!(b.state.queue.all.iter().all(|d| d.task_id != first));
    assert_eq!(b.state.done_today, 1);
    let rec = b
        .store
        .record_of_task(first)
        .unwrap()
        .expect("B reads A's record");
    assert_eq!(rec.operator, "周小青");
    assert!(!b.poll_changes().unwrap(), "nothing new since");
}

#[test]
fn a_row_finished_by_someone_else_does_not_move_my_selection() {
    let db = Db::filled();
    let mut a = db.app(Lang::Zh, "周小青");
    let mut b = db.app(Lang::Zh, "测试员");
    // B works on the third call-back.
    press(&mut b, ch('j'));
    press(&mut b, ch('j'));
    let mine = b.state.queue.current().unwrap().event_ref.clone();
    press(&mut b, key(KeyCode::Enter));
    press(&mut b, ch('2'));
    // Meanwhile A records the first one.
    press(&mut a, key(KeyCode::Enter));
    press(&mut a, ch('1'));
    press(&mut a, ctrl('s'));
    assert!(b.poll_changes().unwrap());
    assert_eq!(
        selected_ref(&b),
        mine,
        "B's selection stays on B's call-back"
    );
    assert_eq!(
        b.state.detail.as_ref().unwrap().event.event.reference,
        mine,
        "and so does the record pane"
    );
    let text = screen_text(&render(&mut b, 160, 48));
    assert!(
        text.contains("1 满意 2 基本满意"),
        "B's form is still shown: {text}"
    );
    press(&mut b, ctrl('s'));
    let store = db.store();
    let task = task_of(&store, &mine);
    assert_eq!(
        store.record_of_task(task).unwrap().unwrap().record.outcome,
        Outcome::Basic
    );
}

/// A small deterministic generator (xorshift64*), so the storm is the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn random_key(rng: &mut Rng) -> KeyEvent {
    const CHARS: &[char] = &[
        'j', 'k', 'g', 'G', 'n', 'a', 'r', 'c', 's', 't', 'f', 'D', '?', 'q', '/', '1', '2', '3',
        '4', '5', '6', '0', ' ', 'y', 'Y', 'N', 'x', '欧', '阳', '娜', '栋', '\u{202E}', '\u{1b}',
        '😀',
    ];
    const CODES: &[KeyCode] = &[
        KeyCode::Enter,
        KeyCode::Esc,
        KeyCode::Tab,
        KeyCode::BackTab,
        KeyCode::Backspace,
        KeyCode::Delete,
        KeyCode::Up,
        KeyCode::Down,
        KeyCode::Left,
        KeyCode::Right,
        KeyCode::PageUp,
        KeyCode::PageDown,
        KeyCode::Home,
        KeyCode::End,
        KeyCode::F(1),
    ];
    match rng.below(10) {
        0..=4 => ch(CHARS[rng.below(CHARS.len() as u64) as usize]),
        5..=7 => key(CODES[rng.below(CODES.len() as u64) as usize]),
        _ => KeyEvent::new(
            KeyCode::Char(['s', 'a', 'n', 'r', 'c', 'x'][rng.below(6) as usize]),
            KeyModifiers::CONTROL,
        ),
    }
}

#[test]
fn a_storm_of_keys_and_resizes_never_panics() {
    let db = Db::filled();
    let mut app = db.app(Lang::Zh, "测试员");
    let mut other = db.app(Lang::En, "周小青");
    let mut rng = Rng(0x5eed_2026_1203);
    let mut size = (80u16, 24u16);
    let mut terminal = Terminal::new(TestBackend::new(size.0, size.1)).unwrap();
    let mut quits = 0;
    for i in 0..2000 {
        if rng.below(8) == 0 {
            size = match rng.below(4) {
                0 => (1 + rng.below(20) as u16, 1 + rng.below(8) as u16),
                1 => (80, 24),
                2 => (160, 48),
                _ => (1 + rng.below(220) as u16, 1 + rng.below(70) as u16),
            };
            terminal = Terminal::new(TestBackend::new(size.0, size.1)).unwrap();
        }
        let e = random_key(&mut rng);
        press(&mut app, e);
        if app.state.quit {
            quits += 1;
            app.state.quit = false;
        }
        // Another operator works the same database now and then.
        if i % 50 == 0 {
            press(&mut other, ch('n'));
        }
        if i % 7 == 0 {
            app.poll_changes().unwrap();
        }
        draw(&mut app, &mut terminal);
        let q = &app.state.queue;
        assert!(
            q.shown.is_empty() || q.selected < q.shown.len(),
            "selection in range after key {i}"
        );
    }
    assert!(quits > 0, "the storm reached q at least once");
    for (w, h) in [(1, 1), (2, 1), (1, 2), (79, 23), (80, 24), (300, 100)] {
        render(&mut app, w, h);
    }
}

/// True when a cell's text could drive a terminal: an escape, a control or a bidi override.
fn dangerous(s: &str) -> bool {
    s.chars().any(|c| c.is_control() || matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'))
}

#[test]
fn escape_sequences_in_imported_text_never_reach_the_terminal() {
    let db = Db::empty();
    let mut events = events();
    let evil = &mut events[0];
    evil.customer = "林\x1b[31m一\u{202E}".into();
    evil.unit = "3栋\x07\x1b]0;pwned\x07".into();
    evil.matter = "漏水\u{2066}\r\n".into();
    evil.summary = "第一行\n第二行\x1b[2J\u{9b}31m".into();
    db.import(&events, now());
    let mut a = db.app(Lang::Zh, "坏\x1b[2J人");
    let mut b = db.app(Lang::En, "测试员");
    // The bad operator name is shown to the other operator as a claim flag.
    press(&mut a, key(KeyCode::Enter));
    b.poll_changes().unwrap();
    press(&mut b, key(KeyCode::Enter));
    for app in [&mut a, &mut b] {
        for (w, h) in [(80, 24), (160, 48)] {
            let terminal = render(app, w, h);
            let buf = terminal.backend().buffer();
            for cell in buf.content() {
                assert!(
                    !dangerous(cell.symbol()),
                    "{:?} on screen at {w}×{h}",
                    cell.symbol()
                );
            }
            let text = screen_text(&terminal);
            if w == 160 {
                assert!(
                    text.contains('林') && text.contains('\u{FFFD}'),
                    "the name is shown, neutralised: {text}"
                );
            }
        }
    }
}

/// One form at a time: Enter on another call-back while a form is open gives up the first claim
/// (or, with typed input, goes back to the form), and the record pane keeps showing the call-back
/// being recorded while the operator moves in the queue.
#[test]
fn a_second_enter_keeps_one_form_and_one_claim() {
    let db = Db::filled();
    let mut app = db.app(Lang::Zh, "甲");
    let first = app.state.queue.current().unwrap().task_id;
    press(&mut app, key(KeyCode::Enter));
    assert_eq!(app.state.form.as_ref().map(|f| f.task_id), Some(first));
    // To the queue (the default keys keep Tab in the form; a keymap that moves next_field
    // elsewhere frees it), down one: the pane still shows the open form's call-back.
    app.state.focus = huifang::tui::state::Focus::Queue;
    press(&mut app, ch('j'));
    let second = app.state.queue.current().unwrap().task_id;
    assert_ne!(first, second);
    assert_eq!(app.state.detail.as_ref().map(|d| d.task_id), Some(first));
    // An untouched form: Enter moves the form and the claim to the second call-back.
    press(&mut app, key(KeyCode::Enter));
    assert_eq!(app.state.form.as_ref().map(|f| f.task_id), Some(second));
    let store = db.store();
    assert_eq!(
        store.claim_of(first).unwrap(),
        None,
        "the first claim was given up"
    );
    assert_eq!(
        store.claim_of(second).unwrap().map(|(who, _)| who),
        Some("甲".to_string())
    );
    // With typed input, Enter elsewhere goes back to the form and loses nothing.
    press(&mut app, ch('1'));
    app.state.focus = huifang::tui::state::Focus::Queue;
    press(&mut app, ch('k'));
    press(&mut app, key(KeyCode::Enter));
    let form = app.state.form.as_ref().unwrap();
    assert_eq!(form.task_id, second);
    assert!(form.dirty && form.outcome.is_some());
    assert_eq!(app.state.focus, huifang::tui::state::Focus::Record);
}
