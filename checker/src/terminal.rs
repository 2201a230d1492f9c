//! Single key presses from the terminal, for `watch`: the terminal is put out of line mode
//! (no Enter needed, no echo) while keys are read, and put back on drop, on Ctrl-C
//! ([`restore`]) and at exit. Ctrl-C itself still works: its signal is left on.

use std::io::{IsTerminal, Read};
use std::sync::Mutex;

/// The terminal's settings before keys were read, to put back.
static SAVED: Mutex<Option<libc::termios>> = Mutex::new(None);

/// While it lives, the terminal on standard input gives single keys.
pub struct Keys(());

impl Keys {
    /// Reads keys in a thread and hands each to `on_key` (until it returns false); `None` when
    /// standard input is no terminal.
    pub fn read(mut on_key: impl FnMut(char) -> bool + Send + 'static) -> Option<Keys> {
        let stdin = std::io::stdin();
        if !stdin.is_terminal() {
            return None;
        }
        // SAFETY: termios is plain data; tcgetattr fills it for a valid descriptor.
        let mut settings: libc::termios = unsafe { std::mem::zeroed() };
        if unsafe { libc::tcgetattr(libc::STDIN_FILENO, &mut settings) } != 0 {
            return None;
        }
        *SAVED.lock().unwrap_or_else(|e| e.into_inner()) = Some(settings);
        let mut keys = settings;
        keys.c_lflag &= !(libc::ICANON | libc::ECHO);
        keys.c_cc[libc::VMIN] = 1;
        keys.c_cc[libc::VTIME] = 0;
        // SAFETY: as above, with settings derived from the terminal's own.
        unsafe { libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, &keys) };
        std::thread::spawn(move || {
            let mut byte = [0u8; 1];
            while let Ok(1) = std::io::stdin().lock().read(&mut byte) {
                if byte[0].is_ascii() && !on_key(byte[0] as char) {
                    break;
                }
            }
        });
        Some(Keys(()))
    }
}

impl Drop for Keys {
    fn drop(&mut self) {
        restore();
    }
}

/// Puts the terminal back as it was, if keys were being read.
pub fn restore() {
    if let Some(settings) = SAVED.lock().unwrap_or_else(|e| e.into_inner()).take() {
        // SAFETY: settings read from this very terminal.
        unsafe { libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, &settings) };
    }
}
