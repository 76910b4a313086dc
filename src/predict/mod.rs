//! Predictive lifetime value (SPEC 3.9): the sBG model of contract
//! retention, BG/NBD for repeat purchases and Gamma-Gamma for their value,
//! fitted by maximum likelihood in pure Rust, with the same definitions as
//! the published papers and the Python library `lifetimes`. No I/O: the
//! project's metrics ([`crate::metrics`]) and `casebook clv` feed it data.

pub mod bgnbd;
pub mod gamma_gamma;
pub mod optim;
pub mod sbg;
pub mod special;
pub mod summary;
