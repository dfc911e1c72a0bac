package io.jtau.app;

import io.jtau.access.PathPolicy;
import io.jtau.access.Principal;
import io.jtau.access.Scope;
import io.jtau.model.Problem;
import io.jtau.model.ProjectKey;
import io.jtau.model.RepoTree;
import io.jtau.model.Snapshot;
import io.jtau.port.SourceRepository;
import io.jtau.reconcile.ConfigDiff;
import io.jtau.schema.CompileOptions;
import io.jtau.schema.CompileResult;
import io.jtau.schema.ConfigCompiler;
import io.jtau.source.GitRepositories;
import io.jtau.source.JGitSourceRepository;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.http.server.GitServlet;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.transport.ReceiveCommand;
import org.eclipse.jgit.transport.ReceivePack;

/**
 * The embedded Git smart-HTTP server at {@code /git/<project>/<repo>.git}. Every request is
 * authenticated with HTTP basic (any user name, a token as password) or a bearer token: a push
 * needs {@code push} on the project, a clone or fetch {@code read} (or {@code push}), or nothing
 * when the project opted in to anonymous read. Without credentials the answer is 401 with {@code
 * WWW-Authenticate: Basic realm="jtau"} so that git asks for them. A push to a config repository is
 * compiled before it is accepted: a commit that does not compile is rejected with every problem
 * printed as {@code remote:} lines, and a valid one prints the plan. After a push the project's key
 * is enqueued; the payload of the push is never used beyond that.
 */
@WebServlet(urlPatterns = "/git/*", loadOnStartup = 1)
public class GitHttpServlet extends GitServlet {

  private static final String PRINCIPAL = "jtau.principal";

  private transient Node node;

  @Override
  public void service(ServletRequest request, ServletResponse response)
      throws ServletException, IOException {
    HttpServletRequest req = (HttpServletRequest) request;
    HttpServletResponse res = (HttpServletResponse) response;
    if (!node.started()) {
      fail(res, 503, "the node is starting");
      return;
    }
    if (PathPolicy.credentialInQuery(req.getQueryString())) {
      fail(res, 400, "credentials are accepted only in the Authorization header, never in the URL");
      return;
    }
    PathPolicy.Requirement need = PathPolicy.git(req.getPathInfo(), req.getQueryString());
    if (!(need instanceof PathPolicy.Requirement.OnProject op)) {
      fail(res, 404, "no such repository");
      return;
    }
    String address = req.getRemoteAddr() == null ? "unknown" : req.getRemoteAddr();
    java.time.Duration blocked = node.authFailures().blockedFor(address);
    if (!blocked.isZero()) {
      res.setHeader("Retry-After", Long.toString(Math.max(1, blocked.toSeconds())));
      fail(res, 429, "too many authentication failures from this address; retry later");
      return;
    }
    String header = req.getHeader("Authorization");
    Principal who;
    if (header == null || header.isBlank()) {
      if (op.scope() == Scope.READ && node.tokens().anonymousRead(op.project())) {
        who = new Principal.Anonymous();
      } else {
        challenge(res, "credentials required: use a token as the password");
        return;
      }
    } else {
      Optional<Principal> p = AccessFilter.bearer(header).flatMap(node.tokens()::authenticate);
      if (p.isEmpty()) {
        node.authFailures().failure(address);
        challenge(res, "the token is not valid (unknown, revoked or malformed)");
        return;
      }
      who = p.get();
      if (!who.may(op.scope(), op.project())) {
        fail(res, 403, "this token has no '" + op.scope().label() + "' on project " + op.project());
        return;
      }
    }
    req.setAttribute(PRINCIPAL, who);
    super.service(request, new RedactedErrors(res, node));
  }

  /**
   * Passes the messages of JGit's own error answers ({@code sendError}) through the node's
   * redactor, as every error answer of the node does ({@link ErrorAnswers}).
   */
  private static final class RedactedErrors
      extends jakarta.servlet.http.HttpServletResponseWrapper {
    private final Node node;

    RedactedErrors(HttpServletResponse res, Node node) {
      super(res);
      this.node = node;
    }

    @Override
    public void sendError(int sc, String msg) throws IOException {
      super.sendError(sc, msg == null ? null : ErrorAnswers.redactor(node).redact(msg));
    }
  }

  /** The password part of an HTTP basic credential (base64 of {@code user:password}). */
  static Optional<String> basicPassword(String base64) {
    try {
      String pair =
          new String(
              java.util.Base64.getDecoder().decode(base64),
              java.nio.charset.StandardCharsets.UTF_8);
      int colon = pair.indexOf(':');
      return colon < 0 ? Optional.empty() : Optional.of(pair.substring(colon + 1));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private void challenge(HttpServletResponse res, String message) throws IOException {
    res.setHeader("WWW-Authenticate", "Basic realm=\"jtau\"");
    fail(res, 401, message);
  }

  private void fail(HttpServletResponse res, int status, String message) throws IOException {
    res.setStatus(status);
    res.setContentType("text/plain; charset=utf-8");
    res.setHeader("Cache-Control", "no-store");
    res.getWriter().write(ErrorAnswers.redactor(node).redact(message) + "\n");
  }

  @Override
  public void init(ServletConfig config) throws ServletException {
    node = CDI.current().select(Node.class).get();
    setRepositoryResolver(
        (req, name) -> {
          Optional<String[]> parsed = GitRepositories.parse(name);
          if (parsed.isEmpty()) {
            throw new RepositoryNotFoundException(name);
          }
          String[] pr = parsed.get();
          JGitSourceRepository repo =
              node.git()
                  .find(pr[0], pr[1])
                  .orElseThrow(() -> new RepositoryNotFoundException(name));
          repo.repository().incrementOpen();
          return repo.repository();
        });
    setReceivePackFactory(
        (req, db) -> {
          ReceivePack rp = new ReceivePack(db);
          Optional<String[]> names =
              GitRepositories.parse(
                  db.getDirectory().getParentFile().getName() + "/" + db.getDirectory().getName());
          if (names.isEmpty()) {
            throw new org.eclipse.jgit.transport.resolver.ServiceNotEnabledException();
          }
          String project = names.get()[0];
          String repoName = names.get()[1];
          rp.setAtomic(true);
          if (repoName.equals("config")) {
            rp.setPreReceiveHook((pack, commands) -> checkConfig(pack, project, commands));
          }
          Object principal = req.getAttribute(PRINCIPAL);
          String actor = principal instanceof Principal p ? p.actor() : "unknown";
          rp.setPostReceiveHook(
              (pack, commands) -> {
                for (ReceiveCommand c : commands) {
                  if (c.getResult() == ReceiveCommand.Result.OK) {
                    auditPush(actor, project, repoName, c);
                  }
                  if (c.getResult() == ReceiveCommand.Result.OK
                      && c.getRefName().startsWith(Constants.R_HEADS)) {
                    String branch = c.getRefName().substring(Constants.R_HEADS.length());
                    if (node.config().branches().contains(branch)) {
                      node.queue().enqueue(new ProjectKey(project, branch));
                    }
                  }
                }
              });
          return rp;
        });
    super.init(config);
  }

  private void auditPush(String actor, String project, String repo, ReceiveCommand c) {
    try {
      node.audit()
          .append(
              actor,
              "push",
              project,
              repo
                  + " "
                  + c.getRefName()
                  + " "
                  + c.getOldId().name().substring(0, 12)
                  + ".."
                  + c.getNewId().name().substring(0, 12));
    } catch (RuntimeException e) {
      getServletContext().log("audit entry for a push not written: " + e.getMessage());
    }
  }

  private void checkConfig(
      ReceivePack pack, String project, java.util.Collection<ReceiveCommand> commands) {
    JGitSourceRepository repo = new JGitSourceRepository(pack.getRepository(), project + "/config");
    for (ReceiveCommand c : commands) {
      if (c.getType() == ReceiveCommand.Type.DELETE
          || !c.getRefName().startsWith(Constants.R_HEADS)
          || c.getNewId().equals(ObjectId.zeroId())) {
        continue;
      }
      String branch = c.getRefName().substring(Constants.R_HEADS.length());
      String commit = c.getNewId().name();
      RepoTree tree = repo.read(commit, "", SourceRepository.ReadLimits.CONFIG);
      CompileResult result =
          new ConfigCompiler(
                  new CompileOptions(
                      branch,
                      node.config().fqdn(),
                      node.generatedSuffix(),
                      node.config().devMode()))
              .compile(tree);
      List<Problem> errors = new ArrayList<>();
      tree.problems().stream().filter(Problem::isError).forEach(errors::add);
      result.problems().stream().filter(Problem::isError).forEach(errors::add);
      if (!errors.isEmpty() || result.config() == null) {
        pack.sendMessage(
            "jtau: " + branch + " @ " + commit.substring(0, 12) + " does not compile:");
        for (Problem p : errors) {
          pack.sendMessage(ErrorAnswers.redactor(node).redact("  " + p));
        }
        c.setResult(
            ReceiveCommand.Result.REJECTED_OTHER_REASON,
            "invalid config (" + errors.size() + " problem(s))");
        continue;
      }
      result.problems().stream()
          .filter(p -> !p.isError())
          .forEach(p -> pack.sendMessage(ErrorAnswers.redactor(node).redact("  " + p)));
      var before =
          node.registry()
              .current(new ProjectKey(project, branch))
              .map(Snapshot::config)
              .orElse(null);
      List<ConfigDiff.Change> plan = ConfigDiff.between(before, result.config());
      pack.sendMessage(
          "jtau: plan for " + project + "@" + branch + " (" + plan.size() + " change(s)):");
      for (ConfigDiff.Change ch : plan) {
        pack.sendMessage(ErrorAnswers.redactor(node).redact("  " + ch));
      }
    }
  }
}
