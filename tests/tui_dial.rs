//! `c` dials through the configured softphone command, with only the number's digits filled in,
//! and the attempt logged afterwards carries the time the call started.

mod common_tui;

use common_tui::*;
use huifang::config::Config;
use huifang::i18n::Lang;
use huifang::store::Reads;

#[test]
fn c_runs_the_dial_command_and_the_attempt_notes_the_start() {
    let db = Db::filled();
    let marker = db.dir.path().join("dialled");
    std::fs::create_dir_all(&marker).unwrap();
    let text = format!(
        "[ui]\ndial_command = \"touch {}/{{phone}}\"\n",
        marker.display()
    );
    let config = Config::from_user_text(None, &text).unwrap();
    let mut app = app_on(&db.path, Lang::Zh, "测试员", &config);
    let first = app.state.queue.current().cloned().expect("a due call-back");
    press(&mut app, ch('c'));
    let digits: String = first
        .phone
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+' || *c == '-')
        .collect();
    let file = marker.join(&digits);
    for _ in 0..50 {
        if file.exists() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(file.exists(), "the dial command ran with the number");
    assert_eq!(app.state.dialing.map(|(t, _)| t), Some(first.task_id));
    press(&mut app, ch('n'));
    let attempts = app.store.attempts_of_task(first.task_id).unwrap();
    assert_eq!(attempts.len(), 1);
    assert!(
        attempts[0].note.contains("10:00"),
        "the note says when the call started: {:?}",
        attempts[0].note
    );
}

#[test]
fn without_a_dial_command_c_says_how_to_set_one() {
    let db = Db::filled();
    let mut app = db.app(Lang::En, "tester");
    press(&mut app, ch('c'));
    let (_, msg) = app.state.message.clone().expect("a message");
    assert!(msg.contains("ui.dial_command"), "{msg}");
}
