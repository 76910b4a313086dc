//! Metrics of SPEC §3: pure functions of a loaded project and an as-of month.
