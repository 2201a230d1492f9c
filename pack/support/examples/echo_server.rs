//! A test double for pack_support's own unit tests (`cargo test` builds it): an echo server on
//! 127.0.0.1:`--port N`, a thread per client. With `--cut`, it sends back only the first half
//! of each line and closes; with `--upper`, it echoes in upper case.
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let port = args.iter().position(|a| a == "--port").and_then(|i| args.get(i + 1)).expect("--port N");
    let (cut, upper) = (args.iter().any(|a| a == "--cut"), args.iter().any(|a| a == "--upper"));
    let listener = TcpListener::bind(format!("127.0.0.1:{port}")).expect("bind");
    for stream in listener.incoming().flatten() {
        std::thread::spawn(move || {
            let mut writer = stream.try_clone().expect("clone");
            let mut reader = BufReader::new(stream);
            let mut line = Vec::new();
            while reader.read_until(b'\n', &mut line).is_ok_and(|n| n > 0) {
                let reply = match (cut, upper) {
                    (true, _) => line[..line.len() / 2].to_vec(),
                    (_, true) => line.to_ascii_uppercase(),
                    _ => line.clone(),
                };
                if writer.write_all(&reply).is_err() || cut {
                    return;
                }
                line.clear();
            }
        });
    }
}
