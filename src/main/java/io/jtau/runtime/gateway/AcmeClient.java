package io.jtau.runtime.gateway;

import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.shredzone.acme4j.Account;
import org.shredzone.acme4j.AccountBuilder;
import org.shredzone.acme4j.Authorization;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.Problem;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.challenge.Challenge;
import org.shredzone.acme4j.challenge.Dns01Challenge;
import org.shredzone.acme4j.challenge.Http01Challenge;
import org.shredzone.acme4j.challenge.TlsAlpn01Challenge;
import org.shredzone.acme4j.connector.HttpConnector;
import org.shredzone.acme4j.connector.NetworkSettings;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.exception.AcmeServerException;
import org.shredzone.acme4j.provider.AbstractAcmeProvider;

/**
 * One ACME (RFC 8555) conversation per certificate, over the acme4j client: the account (the one
 * known from an earlier order, else created or found by its key), an order for one name, one
 * challenge per authorization published in {@link AcmeChallenges} for exactly that name (the first
 * type of the preference the CA offers: HTTP-01, TLS-ALPN-01 per RFC 8737, or DNS-01 as a TXT
 * record the node's own DNS serves; a wildcard name is proven by DNS-01 on its parent, the only
 * challenge ACME allows for wildcards), withdrawn when the order ends, finalize with a CSR for the
 * certificate key, download the chain. Bad nonces are retried by the client library. Blocking
 * (network); thread-safe (no shared mutable state besides the order counter).
 */
final class AcmeClient {

  /** Settings of the conversation. */
  record Settings(
      URI directory,
      Optional<String> email,
      boolean agreeTerms,
      SSLContext trust,
      Duration networkTimeout,
      Duration challengeTimeout,
      Optional<AcmeCertificates.Binding> binding) {}

  /** Why an order failed, as the CA said it; {@code challenge} = the type that failed, if any. */
  static final class OrderFailed extends Exception {
    final String challenge;

    OrderFailed(String message) {
      this(message, null);
    }

    OrderFailed(String message, String challenge) {
      super(message);
      this.challenge = challenge;
    }
  }

  /** An issued certificate: the chain (leaf first), the challenge used, the account's URL. */
  record Issued(List<X509Certificate> chain, String challenge, URL account) {}

  /** The challenge types this client can answer, by their ACME names. */
  static final List<String> TYPES =
      List.of(Http01Challenge.TYPE, TlsAlpn01Challenge.TYPE, Dns01Challenge.TYPE);

  /** Problem types meaning the CA does not (or no longer) accept the stored account URL. */
  private static final java.util.Set<String> FORGOTTEN =
      java.util.Set.of(
          "urn:ietf:params:acme:error:accountDoesNotExist",
          "urn:ietf:params:acme:error:unauthorized",
          "urn:ietf:params:acme:error:malformed");

  private final Settings settings;
  private final AtomicInteger orders = new AtomicInteger();

  AcmeClient(Settings settings) {
    this.settings = settings;
  }

  /** Orders created so far (every newOrder request sent). */
  int ordersCreated() {
    return orders.get();
  }

  /**
   * Issues a certificate for {@code name} with {@code certKey}.
   *
   * @param account the account URL an earlier order used at this CA (skips the account lookup);
   *     when the CA no longer knows it, the account is looked up or created by its key
   * @param preference challenge types, most wanted first (each one of {@link #TYPES})
   * @throws OrderFailed when the CA refuses the order or the challenge (its problem text)
   * @throws AcmeException on protocol or network errors
   */
  Issued issue(
      String name,
      KeyPair accountKey,
      Optional<URL> account,
      KeyPair certKey,
      AcmeChallenges challenges,
      List<String> preference)
      throws AcmeException, OrderFailed, InterruptedException {
    Session session = new Session(settings.directory(), new Provider(settings.trust()));
    session.networkSettings().setTimeout(settings.networkTimeout());
    Order order;
    Account acct;
    if (account.isPresent()) {
      acct = session.login(account.get(), accountKey).getAccount();
      try {
        orders.incrementAndGet();
        order = acct.newOrder().domain(name).create();
      } catch (AcmeServerException e) {
        if (!FORGOTTEN.contains(String.valueOf(e.getType()))) {
          throw e;
        }
        // The CA forgot the account (reset, deactivated, another CA at the same URL): find or
        // create it by its key and order again.
        acct = account(session, accountKey);
        orders.incrementAndGet();
        order = acct.newOrder().domain(name).create();
      }
    } else {
      acct = account(session, accountKey);
      orders.incrementAndGet();
      order = acct.newOrder().domain(name).create();
    }
    List<Runnable> withdraw = new ArrayList<>();
    String used = "reused authorization";
    try {
      for (Authorization auth : order.getAuthorizations()) {
        if (auth.getStatus() == Status.VALID) {
          continue;
        }
        String host = auth.getIdentifier().getDomain();
        Challenge ch = pick(auth, preference, name);
        String type = ch.getType();
        used = type;
        if (ch instanceof Http01Challenge h) {
          challenges.put(host, h.getToken(), h.getAuthorization());
          withdraw.add(() -> challenges.remove(host, h.getToken()));
        } else if (ch instanceof TlsAlpn01Challenge t) {
          challenges.putTlsAlpn(host, validationCertificate(t, auth.getIdentifier()));
          withdraw.add(() -> challenges.removeTlsAlpn(host));
        } else if (ch instanceof Dns01Challenge d) {
          // The authorization of "*.x" names "x": the TXT record lives at _acme-challenge.x.
          String rr = Dns01Challenge.toRRName(auth.getIdentifier());
          String digest = d.getDigest();
          challenges.putDns01(rr, digest);
          withdraw.add(() -> challenges.removeDns01(rr, digest));
        }
        ch.trigger();
        Status s = ch.waitForCompletion(settings.challengeTimeout());
        if (s != Status.VALID) {
          throw new OrderFailed(
              type
                  + " challenge for "
                  + host
                  + " is "
                  + s.name().toLowerCase()
                  + ch.getError().map(p -> ": " + describe(p)).orElse(""),
              type);
        }
      }
      order.execute(certKey);
      Status s = order.waitForCompletion(settings.challengeTimeout());
      if (s != Status.VALID) {
        throw new OrderFailed(
            "order for "
                + name
                + " is "
                + s.name().toLowerCase()
                + order.getError().map(p -> ": " + describe(p)).orElse(""));
      }
      return new Issued(order.getCertificate().getCertificateChain(), used, acct.getLocation());
    } finally {
      withdraw.forEach(Runnable::run);
    }
  }

  private Account account(Session session, KeyPair accountKey) throws AcmeException, OrderFailed {
    Optional<URI> terms = session.getMetadata().getTermsOfService();
    if (terms.isPresent() && !settings.agreeTerms()) {
      throw new OrderFailed(
          "the CA asks to agree to its terms of service ("
              + terms.get()
              + "): read them, then set jtau.acme.agree-terms=true");
    }
    AccountBuilder ab = new AccountBuilder().useKeyPair(accountKey);
    if (settings.agreeTerms()) {
      ab.agreeToTermsOfService();
    }
    if (settings.binding().isPresent()) {
      AcmeCertificates.Binding b = settings.binding().get();
      ab.withKeyIdentifier(b.kid(), b.hmacKey());
    } else if (session.getMetadata().isExternalAccountRequired()) {
      throw new OrderFailed(
          "the CA requires an external account binding: set jtau.acme.eab-kid and"
              + " jtau.acme.eab-hmac-key (from the CA's account page)");
    }
    settings.email().filter(e -> !e.isBlank()).ifPresent(ab::addEmail);
    return ab.create(session);
  }

  /** The first challenge of the preference that the CA offers for this authorization. */
  static Challenge pick(Authorization auth, List<String> preference, String name)
      throws OrderFailed {
    for (String type : preference) {
      Optional<Challenge> c =
          switch (type) {
            case Http01Challenge.TYPE -> auth.findChallenge(Http01Challenge.class).map(x -> x);
            case TlsAlpn01Challenge.TYPE ->
                auth.findChallenge(TlsAlpn01Challenge.class).map(x -> x);
            case Dns01Challenge.TYPE -> auth.findChallenge(Dns01Challenge.class).map(x -> x);
            default -> Optional.empty();
          };
      if (c.isPresent()) {
        return c.get();
      }
    }
    List<String> offered = auth.getChallenges().stream().map(Challenge::getType).toList();
    throw new OrderFailed(
        "the CA offers none of the challenges "
            + preference
            + " for "
            + name
            + " (it offers "
            + offered
            + ")");
  }

  /**
   * The self-signed TLS-ALPN-01 certificate for an identifier (RFC 8737 §3: the name as its only
   * subject alternative name, the critical acmeIdentifier extension), with a key of the JDK's own
   * provider so the TLS server can sign the handshake with it.
   */
  static SniKeyManager.KeyAndChain validationCertificate(
      TlsAlpn01Challenge challenge, org.shredzone.acme4j.Identifier id) throws AcmeException {
    try {
      // The library signs the validation certificate with SHA256withRSA: an RSA key it is.
      java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      KeyPair kp = g.generateKeyPair();
      X509Certificate cert = challenge.createCertificate(kp, id);
      return new SniKeyManager.KeyAndChain(kp.getPrivate(), new X509Certificate[] {cert});
    } catch (java.security.GeneralSecurityException | RuntimeException e) {
      throw new AcmeException("cannot make the tls-alpn-01 certificate: " + e.getMessage(), e);
    }
  }

  static String describe(Problem p) {
    String detail = p.getDetail().orElse(p.getTitle().orElse(p.getType().toString()));
    List<String> subs = new ArrayList<>();
    for (Problem sub : p.getSubProblems()) {
      subs.add(sub.getDetail().orElse(sub.getType().toString()));
    }
    return subs.isEmpty() ? detail : detail + " (" + String.join("; ", subs) + ")";
  }

  /** Any http(s) directory URL, with an optional trusted CA for the ACME server itself. */
  private static final class Provider extends AbstractAcmeProvider {
    private final SSLContext trust;

    Provider(SSLContext trust) {
      this.trust = trust;
    }

    @Override
    public boolean accepts(URI serverUri) {
      return "https".equals(serverUri.getScheme()) || "http".equals(serverUri.getScheme());
    }

    @Override
    public URL resolve(URI serverUri) {
      try {
        return serverUri.toURL();
      } catch (MalformedURLException e) {
        throw new IllegalArgumentException("bad ACME directory URL " + serverUri, e);
      }
    }

    @Override
    protected HttpConnector createHttpConnector(NetworkSettings settings) {
      return new HttpConnector(settings) {
        @Override
        public HttpClient.Builder createClientBuilder() {
          HttpClient.Builder b = super.createClientBuilder();
          return trust == null ? b : b.sslContext(trust);
        }
      };
    }
  }
}
