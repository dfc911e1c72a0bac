package io.jtau.source;

import io.jtau.model.RepoTree;
import io.jtau.port.SourceRepository;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;

/**
 * A mirror read under a signature policy: {@link #head} is the newest acceptable commit rather than
 * the branch head. When the head verifies it is served and remembered (in {@code
 * refs/jtau/verified/<branch>}); when it does not, the last verified commit keeps serving — also
 * after a force-push to an older commit, so an unverified pusher can neither deploy nor roll back.
 * With nothing remembered, the newest verified ancestor of the head is served; with none, {@link
 * #head} throws {@link NoVerifiedCommitException}. Without a policy this is the plain mirror.
 * Thread-safe.
 */
public final class VerifiedSource implements SourceRepository {

  /** No commit of the branch is acceptable under the policy. */
  public static final class NoVerifiedCommitException extends RuntimeException {
    public NoVerifiedCommitException(String message) {
      super(message);
    }
  }

  /** What the policy decided for a branch: the actual head, the served commit and why. */
  public record Decision(String head, String served, String reason) {
    public boolean headServed() {
      return head.equals(served);
    }
  }

  static final String VERIFIED = "refs/jtau/verified/";
  private static final int MAX_WALK = 500;

  private final JGitSourceRepository delegate;
  private final CommitSignatures policy;
  private final String display;

  /** {@code policy} null = no signature policy. */
  public VerifiedSource(JGitSourceRepository delegate, CommitSignatures policy, String display) {
    this.delegate = delegate;
    this.policy = policy;
    this.display = display;
  }

  public boolean hasPolicy() {
    return policy != null;
  }

  @Override
  public Optional<String> head(String branch) {
    Optional<String> head = delegate.head(branch);
    if (policy == null || head.isEmpty()) {
      return head;
    }
    return Optional.of(decide(branch, head.get()).served());
  }

  /** The decision for {@code branch}, or empty when the branch does not exist. */
  public Optional<Decision> decision(String branch) {
    Optional<String> head = delegate.head(branch);
    if (head.isEmpty()) {
      return Optional.empty();
    }
    if (policy == null) {
      return Optional.of(new Decision(head.get(), head.get(), "no signature policy"));
    }
    return Optional.of(decide(branch, head.get()));
  }

  private synchronized Decision decide(String branch, String head) {
    Repository repo = delegate.repository();
    try (RevWalk walk = new RevWalk(repo)) {
      RevCommit h = walk.parseCommit(ObjectId.fromString(head));
      CommitSignatures.Verdict v = policy.verify(head, h.getRawBuffer());
      if (v.accepted()) {
        remember(branch, h);
        return new Decision(head, head, v.reason());
      }
      var known = repo.exactRef(VERIFIED + branch);
      if (known != null && known.getObjectId() != null) {
        return new Decision(
            head,
            known.getObjectId().name(),
            "head "
                + shortId(head)
                + " is "
                + v.reason()
                + "; still serving the last verified commit "
                + shortId(known.getObjectId().name()));
      }
      RevCommit c = h;
      for (int i = 0; i < MAX_WALK && c.getParentCount() > 0; i++) {
        try {
          c = walk.parseCommit(c.getParent(0));
        } catch (MissingObjectException e) {
          break;
        }
        if (policy.verify(c.name(), c.getRawBuffer()).accepted()) {
          remember(branch, c);
          return new Decision(
              head,
              c.name(),
              "head "
                  + shortId(head)
                  + " is "
                  + v.reason()
                  + "; serving the newest verified commit "
                  + shortId(c.name()));
        }
      }
      throw new NoVerifiedCommitException(
          "no verified commit on "
              + branch
              + " of "
              + display
              + ": head "
              + shortId(head)
              + " is "
              + v.reason());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read branch " + branch + " of " + display, e);
    }
  }

  private void remember(String branch, RevCommit c) throws IOException {
    RefUpdate u = delegate.repository().updateRef(VERIFIED + branch);
    u.setNewObjectId(c);
    u.setForceUpdate(true);
    u.update();
  }

  private static String shortId(String id) {
    return id.length() > 12 ? id.substring(0, 12) : id;
  }

  @Override
  public Optional<String> treeId(String commit, String path) {
    return delegate.treeId(commit, path);
  }

  @Override
  public RepoTree read(String commit, String path, ReadLimits limits) {
    return delegate.read(commit, path, limits);
  }

  @Override
  public RepoTree read(String commit, String path, ReadLimits limits, RepoTree previous) {
    return delegate.read(commit, path, limits, previous);
  }

  /** The branch ref name a local branch is stored under. */
  static String branchRef(String branch) {
    return Constants.R_HEADS + branch;
  }
}
