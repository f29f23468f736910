# lib/pki: fta-hostd's CA, certificates, CRLs and per-FTA credentials.
fta_test(certificate_authority_test LABEL unit SOURCES certificate_authority_test.cc DEPS fta_pki OpenSSL::Crypto)
