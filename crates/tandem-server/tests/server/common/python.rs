//! Test services written in Python, from PyPI into the virtual
//! environment `.ci/run` makes (`TANDEM_TEST_PYTHON`): an SMTP server
//! (aiosmtpd), an S3 server (moto). Each listens on a free loopback port
//! and says "ready" when it does; it stops when dropped.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};

/// A Python service, running until dropped.
pub struct PythonService {
    child: Child,
    pub port: u16,
}

impl Drop for PythonService {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl PythonService {
    /// Runs `script` with the port as its first argument and `args` after
    /// it, once it printed "ready"; none (the test skipped) where no
    /// Python with `module` was named and the default has none. Named, it
    /// must have it.
    pub fn start(module: &str, script: &str, args: &[&str]) -> Option<PythonService> {
        let python = std::env::var("TANDEM_TEST_PYTHON").ok();
        let required = python.is_some();
        let python = python.unwrap_or_else(|| "python3".into());
        let has = Command::new(&python)
            .args(["-c", &format!("import {module}")])
            .status()
            .is_ok_and(|s| s.success());
        if !has {
            assert!(!required, "{python} has no {module}");
            eprintln!("skipped: {python} has no {module} (set TANDEM_TEST_PYTHON)");
            return None;
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let port_text = port.to_string();
        let mut argv = vec!["-c", script, &port_text];
        argv.extend_from_slice(args);
        let mut child = Command::new(&python)
            .args(&argv)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert_eq!(line.trim(), "ready", "{module} did not start");
        child.stdin.as_mut().unwrap().flush().unwrap();
        Some(PythonService { child, port })
    }
}
