"""Single sign-on with OpenID Connect: people sign in through the municipality's identity provider."""
