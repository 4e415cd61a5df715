//! TLS with rustls: the listener's certificate (generated at start for localhost, or the
//! user's own), its fingerprint, and the server configuration that offers HTTP/2 and
//! HTTP/1.1; and the client configuration of load mode (`--cacert`, `--insecure`).

use std::path::Path;
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, verify_tls12_signature, verify_tls13_signature};
use rustls::{ClientConfig, DigitallySignedStruct, ServerConfig, SignatureScheme};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// The names a generated certificate is valid for.
pub const LOCAL_NAMES: [&str; 3] = ["localhost", "127.0.0.1", "::1"];

/// A certificate chain and its private key.
pub struct Identity {
    pub chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
    /// The leaf certificate as PEM, for a client's `--cacert` (generated identities only).
    pub pem: Option<String>,
}

impl Identity {
    /// A fresh self-signed certificate for localhost, 127.0.0.1 and ::1.
    pub fn generate() -> Result<Self> {
        let names: Vec<String> = LOCAL_NAMES.iter().map(|n| n.to_string()).collect();
        let certified = rcgen::generate_simple_self_signed(names)
            .map_err(|err| Error::Network(format!("cannot generate a certificate: {err}")))?;
        let key = PrivateKeyDer::try_from(certified.signing_key.serialize_der())
            .map_err(|err| Error::Network(format!("cannot use the generated key: {err}")))?;
        Ok(Identity {
            chain: vec![certified.cert.der().clone()],
            key,
            pem: Some(certified.cert.pem()),
        })
    }

    /// The user's own certificate chain and key, both PEM.
    pub fn load(cert: &Path, key: &Path) -> Result<Self> {
        let chain = CertificateDer::pem_file_iter(cert)
            .and_then(|certs| certs.collect::<std::result::Result<Vec<_>, _>>())
            .map_err(|err| pem_error("--cert", cert, err))?;
        if chain.is_empty() {
            return Err(Error::usage(format!(
                "--cert {}: no PEM certificate in the file (it must hold -----BEGIN CERTIFICATE-----)",
                cert.display()
            )));
        }
        let key = PrivateKeyDer::from_pem_file(key).map_err(|err| pem_error("--key", key, err))?;
        Ok(Identity {
            chain,
            key,
            pem: None,
        })
    }

    /// The SHA-256 fingerprint of the leaf certificate, as `openssl x509 -fingerprint -sha256`
    /// prints it.
    pub fn fingerprint(&self) -> String {
        fingerprint(&self.chain[0])
    }

    /// A server configuration offering HTTP/2 and HTTP/1.1 by ALPN.
    pub fn server_config(self) -> Result<Arc<ServerConfig>> {
        let mut config = ServerConfig::builder()
            .with_no_client_auth()
            .with_single_cert(self.chain, self.key)
            .map_err(|err| {
                Error::usage(format!(
                    "the certificate and key do not make a usable pair: {err}"
                ))
            })?;
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        Ok(Arc::new(config))
    }
}

/// A client configuration that trusts the system's roots and `extra_roots` (read now), or,
/// when `insecure`, any certificate at all.
pub fn client_config(
    extra_roots: &[CertificateDer<'static>],
    insecure: bool,
) -> Result<ClientConfig> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|err| Error::Network(format!("cannot set up TLS: {err}")))?
        .dangerous();
    let verifier: Arc<dyn ServerCertVerifier> = if insecure {
        Arc::new(AcceptAnyCertificate(provider))
    } else {
        Arc::new(
            rustls_platform_verifier::Verifier::new_with_extra_roots(
                extra_roots.iter().cloned(),
                provider,
            )
            .map_err(|err| {
                Error::Network(format!("cannot read the trusted certificates: {err}"))
            })?,
        )
    };
    Ok(builder
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth())
}

/// `--insecure`: every certificate is accepted; signatures are still checked, so the
/// handshake itself stays sound.
#[derive(Debug)]
struct AcceptAnyCertificate(Arc<CryptoProvider>);

impl ServerCertVerifier for AcceptAnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

fn pem_error(flag: &str, path: &Path, err: rustls_pki_types::pem::Error) -> Error {
    Error::usage(format!(
        "{flag} {}: {}",
        path.display(),
        match err {
            rustls_pki_types::pem::Error::Io(io) => io.to_string(),
            rustls_pki_types::pem::Error::NoItemsFound =>
                "no PEM item of the expected kind in the file".to_string(),
            other => format!("not valid PEM ({other:?})"),
        }
    ))
}

/// `AB:CD:…`, the SHA-256 of a certificate's DER bytes.
pub fn fingerprint(cert: &CertificateDer) -> String {
    Sha256::digest(cert.as_ref())
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_certificates_make_a_server_config_and_a_fingerprint() {
        let identity = Identity::generate().unwrap();
        let fingerprint = identity.fingerprint();
        assert_eq!(fingerprint.len(), 32 * 3 - 1, "{fingerprint}");
        assert!(
            identity
                .pem
                .as_deref()
                .unwrap()
                .starts_with("-----BEGIN CERTIFICATE-----")
        );
        let config = identity.server_config().unwrap();
        assert_eq!(config.alpn_protocols[0], b"h2");
    }

    #[test]
    fn a_key_file_without_a_key_is_a_usage_error() {
        let dir = tempfile::tempdir().unwrap();
        let identity = Identity::generate().unwrap();
        let cert = dir.path().join("cert.pem");
        std::fs::write(&cert, identity.pem.unwrap()).unwrap();
        let err = Identity::load(&cert, &cert).err().unwrap();
        assert_eq!(err.exit_code(), 2);
        assert!(err.to_string().starts_with("--key "), "{err}");
    }
}
