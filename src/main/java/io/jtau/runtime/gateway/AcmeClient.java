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
import org.shredzone.acme4j.challenge.Http01Challenge;
import org.shredzone.acme4j.connector.HttpConnector;
import org.shredzone.acme4j.connector.NetworkSettings;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.provider.AbstractAcmeProvider;

/**
 * One ACME (RFC 8555) conversation per certificate, over the acme4j client: account (created or
 * found by its key), order for one name, HTTP-01 challenge published in {@link AcmeChallenges} for
 * exactly that name, finalize with a CSR for the certificate key, download the chain. Bad nonces
 * are retried by the client library. Blocking (network); thread-safe (no shared mutable state
 * besides the order counter).
 */
final class AcmeClient {

  /** Settings of the conversation. */
  record Settings(
      URI directory,
      Optional<String> email,
      boolean agreeTerms,
      SSLContext trust,
      Duration networkTimeout,
      Duration challengeTimeout) {}

  /** Why an order failed, as the CA said it. */
  static final class OrderFailed extends Exception {
    OrderFailed(String message) {
      super(message);
    }
  }

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
   * Issues a certificate for {@code name} with {@code certKey}; returns the chain, leaf first.
   *
   * @throws OrderFailed when the CA refuses the order or the challenge (its problem text)
   * @throws AcmeException on protocol or network errors
   */
  List<X509Certificate> issue(
      String name, KeyPair accountKey, KeyPair certKey, AcmeChallenges challenges)
      throws AcmeException, OrderFailed, InterruptedException {
    Session session = new Session(settings.directory(), new Provider(settings.trust()));
    session.networkSettings().setTimeout(settings.networkTimeout());
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
    settings.email().filter(e -> !e.isBlank()).ifPresent(ab::addEmail);
    Account account = ab.create(session);
    orders.incrementAndGet();
    Order order = account.newOrder().domain(name).create();
    List<String[]> published = new ArrayList<>();
    try {
      for (Authorization auth : order.getAuthorizations()) {
        if (auth.getStatus() == Status.VALID) {
          continue;
        }
        Http01Challenge ch =
            auth.findChallenge(Http01Challenge.class)
                .orElseThrow(
                    () -> new OrderFailed("the CA offers no http-01 challenge for " + name));
        String host = auth.getIdentifier().getDomain();
        challenges.put(host, ch.getToken(), ch.getAuthorization());
        published.add(new String[] {host, ch.getToken()});
        ch.trigger();
        Status s = ch.waitForCompletion(settings.challengeTimeout());
        if (s != Status.VALID) {
          throw new OrderFailed(
              "http-01 challenge for "
                  + host
                  + " is "
                  + s.name().toLowerCase()
                  + ch.getError().map(p -> ": " + describe(p)).orElse(""));
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
      return order.getCertificate().getCertificateChain();
    } finally {
      for (String[] p : published) {
        challenges.remove(p[0], p[1]);
      }
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
