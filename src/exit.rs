//! Exit statuses, for cron and scripts.

/// What the process tells its caller.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// The report was written and every input was read.
    Ok,
    /// A `--fail-on` threshold was crossed; the report was still written.
    Threshold,
    /// Bad arguments, or an input that could not be read (the report covers the rest).
    Error,
}

impl Exit {
    pub fn code(self) -> u8 {
        match self {
            Exit::Ok => 0,
            Exit::Threshold => 1,
            Exit::Error => 2,
        }
    }

    /// The worse of two outcomes.
    pub fn max(self, other: Exit) -> Exit {
        if other.code() > self.code() { other } else { self }
    }
}

impl From<Exit> for std::process::ExitCode {
    fn from(e: Exit) -> Self {
        std::process::ExitCode::from(e.code())
    }
}

#[cfg(test)]
mod tests {
    use super::Exit;

    #[test]
    fn codes() {
        assert_eq!(Exit::Ok.code(), 0);
        assert_eq!(Exit::Threshold.code(), 1);
        assert_eq!(Exit::Error.code(), 2);
        assert_eq!(Exit::Ok.max(Exit::Error), Exit::Error);
        assert_eq!(Exit::Threshold.max(Exit::Ok), Exit::Threshold);
    }
}
