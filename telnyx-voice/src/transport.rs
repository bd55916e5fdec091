//! Choices about the HTTP transport made by Cargo features.

/// Gets TLS ready before the default HTTP client is built.
///
/// With the `rustls-tls-aws-lc` feature, aws-lc-rs is installed as the
/// process-wide rustls crypto provider unless the application installed one
/// already (then that one is used).
pub(crate) fn prepare_tls() {
    #[cfg(feature = "rustls-tls-aws-lc")]
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Losing a race with another thread installing one is fine.
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    }
}
