"""Stand-in MPASSid brokers on 127.0.0.1 with switchable faults, for the tests, the screenshots and `make demo`.

`StandinBroker` (broker.py) serves OIDC discovery, a key set, SAML metadata, the list of authentication
sources and a TLS port, with its own certificates (certs.py); config.py writes a status.toml whose checks
point at the stand-ins. Nothing here is used by the site itself.
"""
