package io.jtau.app;

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
import jakarta.servlet.annotation.WebServlet;
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
 * The embedded Git smart-HTTP server at {@code /git/<project>/<repo>.git}. A push to a config
 * repository is compiled before it is accepted: a commit that does not compile is rejected with
 * every problem printed as {@code remote:} lines, and a valid one prints the plan. After a push the
 * project's key is enqueued; the payload of the push is never used beyond that.
 */
@WebServlet(urlPatterns = "/git/*", loadOnStartup = 1)
public class GitHttpServlet extends GitServlet {

  private transient Node node;

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
          rp.setPostReceiveHook(
              (pack, commands) -> {
                for (ReceiveCommand c : commands) {
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
          pack.sendMessage("  " + p);
        }
        c.setResult(
            ReceiveCommand.Result.REJECTED_OTHER_REASON,
            "invalid config (" + errors.size() + " problem(s))");
        continue;
      }
      result.problems().stream().filter(p -> !p.isError()).forEach(p -> pack.sendMessage("  " + p));
      var before =
          node.registry()
              .current(new ProjectKey(project, branch))
              .map(Snapshot::config)
              .orElse(null);
      List<ConfigDiff.Change> plan = ConfigDiff.between(before, result.config());
      pack.sendMessage(
          "jtau: plan for " + project + "@" + branch + " (" + plan.size() + " change(s)):");
      for (ConfigDiff.Change ch : plan) {
        pack.sendMessage("  " + ch);
      }
    }
  }
}
