package io.jtau.schema;

import io.jtau.model.Application;
import io.jtau.model.Identity;
import io.jtau.model.Problem;
import io.jtau.model.ProjectConfig;
import io.jtau.model.RepoFile;
import io.jtau.model.RepoTree;
import io.jtau.model.Resource;
import io.jtau.model.ResourceKind;
import io.jtau.schema.DocReader.Read;
import io.jtau.schema.Schema.Field;
import io.jtau.schema.YNode.YMap;
import io.jtau.schema.YNode.YScalar;
import io.jtau.schema.YNode.YSeq;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * Compiles one commit of a tau v1 config repository (config-format.md) into the {@link
 * ProjectConfig} model, tau's compiled object, the registry index map and the deferred checks.
 * Unlike tau, every problem of the commit is reported, each with file, line, column and field.
 *
 * <p>Thread-safe: compiles may run concurrently. Parsed YAML is cached per (path, Git blob id) in a
 * bounded LRU, so compiling the next commit re-parses only the files that changed.
 */
public final class ConfigCompiler {

  /** More resources than this in one commit is refused (the compile still completes). */
  public static final int MAX_RESOURCES = 100_000;

  private static final int CACHE_ENTRIES = 150_000;

  private final CompileOptions options;
  private final Map<String, YamlReader.Parsed> cache;
  private final AtomicLong parses = new AtomicLong();

  /**
   * What reading one resource document gave (its field values and the problems of the document
   * alone), keyed by the parsed document object: a document of an unchanged blob is the same object
   * in the next compile (the parse cache), so its fields are not read and checked again. Bounded
   * LRU like the parse cache.
   */
  private final Map<DocKey, ReadDoc> reads;

  private final AtomicLong docReads = new AtomicLong();

  /** A resource document by identity, with the kind it was read as. */
  private static final class DocKey {
    final ResourceKind kind;
    final YMap doc;

    DocKey(ResourceKind kind, YMap doc) {
      this.kind = kind;
      this.doc = doc;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof DocKey k && k.doc == doc && k.kind == kind;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(doc) * 31 + kind.ordinal();
    }
  }

  /** A document's reading and the problems reading it reported. */
  private record ReadDoc(DocReader.Reading reading, List<Problem> problems) {
    ReadDoc {
      problems = List.copyOf(problems);
    }
  }

  public ConfigCompiler(CompileOptions options) {
    this.options = Objects.requireNonNull(options, "options");
    this.cache =
        Collections.synchronizedMap(
            new LinkedHashMap<>(1024, 0.75f, true) {
              @Override
              protected boolean removeEldestEntry(Map.Entry<String, YamlReader.Parsed> e) {
                return size() > CACHE_ENTRIES;
              }
            });
    this.reads =
        Collections.synchronizedMap(
            new LinkedHashMap<>(1024, 0.75f, true) {
              @Override
              protected boolean removeEldestEntry(Map.Entry<DocKey, ReadDoc> e) {
                return size() > CACHE_ENTRIES;
              }
            });
  }

  /** How many resource documents this compiler has read field by field (cache misses). */
  long docReadCount() {
    return docReads.get();
  }

  /** How many files this compiler has parsed (cache misses) since it was made. */
  long parseCount() {
    return parses.get();
  }

  /** Compiles the tree. Never throws for bad input: every defect becomes a {@link Problem}. */
  public CompileResult compile(RepoTree tree) {
    return new Run(tree).compile();
  }

  private YamlReader.Parsed parse(RepoFile f) {
    String key = f.blobId().isEmpty() ? null : f.path() + "\0" + f.blobId();
    if (key != null) {
      YamlReader.Parsed hit = cache.get(key);
      if (hit != null) {
        return hit;
      }
    }
    parses.incrementAndGet();
    YamlReader.Parsed p = YamlReader.parse("/" + f.path(), f.content());
    if (key != null) {
      cache.put(key, p);
    }
    return p;
  }

  // ------------------------------------------------------------------------------------------

  /** One resource as read, before references are resolved. */
  private static final class Draft {
    final ResourceKind kind;
    final Scope scope;
    final String name;
    final DocReader r;
    String id;
    List<String> domainIds;
    String source;
    List<String> smartops;

    Draft(ResourceKind kind, Scope scope, String name, DocReader r) {
      this.kind = kind;
      this.scope = scope;
      this.name = name;
      this.r = r;
    }

    YMap doc() {
      return r.doc();
    }
  }

  /** The project scope or one application. */
  private static final class Scope {
    final String folder; // null at project scope
    String appId;
    DocReader app;
    final Map<ResourceKind, Map<String, Draft>> groups = new EnumMap<>(ResourceKind.class);
    final Set<ResourceKind> present = new LinkedHashSet<>();

    Scope(String folder) {
      this.folder = folder;
    }

    Map<String, Draft> group(ResourceKind k) {
      return groups.computeIfAbsent(k, x -> new LinkedHashMap<>());
    }

    String describe() {
      return folder == null ? "the project" : "application \"" + folder + "\"";
    }
  }

  /** State of one compile. */
  private final class Run {
    private final RepoTree tree;
    private final List<Problem> problems;
    private final Scope project = new Scope(null);
    private final List<Scope> apps = new ArrayList<>();
    private DocReader pr;
    private YMap root;
    private String account;
    private String plan;
    private int resourceCount;

    Run(RepoTree tree) {
      this.tree = tree;
      this.problems = new ArrayList<>(tree.problems());
    }

    CompileResult compile() {
      root = new RepoLayout(ConfigCompiler.this::parse, problems).root(tree);
      if (tree.file("config.yaml").isEmpty()) {
        problems.add(
            Problem.error(
                "/config.yaml",
                0,
                0,
                "id",
                "required attribute 'id': the repository has no config.yaml (it holds the project"
                    + " id)"));
      }
      readProject();
      readScope(root, project);
      readApplications();
      if (resourceCount > MAX_RESOURCES) {
        problems.add(
            Problem.error(
                "/",
                0,
                0,
                "",
                "the repository defines "
                    + resourceCount
                    + " resources; at most "
                    + MAX_RESOURCES
                    + " are allowed"));
      }
      checkIds();
      checkNames();
      resolve();
      checkRoutes();
      checkGeneratedDomains();

      problems.sort(
          Comparator.comparing(Problem::file)
              .thenComparingInt(Problem::line)
              .thenComparingInt(Problem::column));
      boolean failed = problems.stream().anyMatch(Problem::isError);
      if (failed) {
        return new CompileResult(null, problems, Map.of(), Map.of(), List.of());
      }
      ProjectConfig config = build();
      Map<String, Object> object = CompiledObject.encode(config);
      addEmptyGroups(object);
      Map<String, Object> indexes = Indexes.build(config, options.branch());
      return new CompileResult(config, problems, object, indexes, checks(config));
    }

    // -------------------------------------------------------------------------- reading

    private void readProject() {
      pr = new DocReader(root, problems);
      if (root.line() == RepoLayout.CONFIG_BROKEN) {
        return;
      }
      if (tree.file("config.yaml").isPresent()) {
        pr.readAll(Schema.PROJECT);
      }
      Set<String> leaves = new HashSet<>();
      Set<String> known = Schema.knownPaths(Schema.PROJECT, Set.of(), leaves);
      leaves.addAll(RepoLayout.GROUPS);
      leaves.add("applications");
      leaves.add("clouds");
      known.addAll(leaves);
      pr.warnUnknown(known, leaves, Set.of());
      readClouds();
    }

    private void readClouds() {
      YNode clouds = root.get("clouds");
      if (clouds == null || clouds == RepoLayout.BROKEN) {
        return;
      }
      if (clouds instanceof YScalar s && s.isNull()) {
        return;
      }
      if (!(clouds instanceof YMap m)) {
        problems.add(
            Problem.error(
                clouds.file(),
                clouds.line(),
                clouds.col(),
                "clouds",
                "clouds must be a map of cloud fqdn -> {account, plan}, found "
                    + clouds.describe()));
        return;
      }
      String fqdn = options.cloudFqdn();
      if (fqdn == null) {
        return;
      }
      YNode entry = m.get(fqdn);
      if (!(entry instanceof YMap e)) {
        return;
      }
      String acc = scalar(e.get("account"));
      String pl = scalar(e.get("plan"));
      boolean hasAcc = acc != null && !acc.isEmpty();
      boolean hasPlan = pl != null && !pl.isEmpty();
      if (hasAcc && hasPlan) {
        account = acc;
        plan = pl;
      } else if (hasAcc || hasPlan) {
        problems.add(
            Problem.error(
                e.file(),
                e.line(),
                e.col(),
                "clouds." + fqdn,
                "clouds[\""
                    + fqdn
                    + "\"] is incomplete; fields [account plan] must all be set or all omitted"));
      }
      for (Map.Entry<String, YNode> x : e.entries().entrySet()) {
        if (!x.getKey().equals("account") && !x.getKey().equals("plan")) {
          YNode v = x.getValue();
          problems.add(
              Problem.warning(
                  v.file(),
                  v.line(),
                  v.col(),
                  "clouds." + fqdn + "." + x.getKey(),
                  "unknown key '" + x.getKey() + "' is ignored"));
        }
      }
    }

    private String scalar(YNode n) {
      return n instanceof YScalar s ? s.asString() : null;
    }

    private void readApplications() {
      YNode node = root.get("applications");
      if (node == null || node == RepoLayout.BROKEN || (node instanceof YScalar s && s.isNull())) {
        return;
      }
      if (!(node instanceof YMap m)) {
        problems.add(
            Problem.error(
                node.file(),
                node.line(),
                node.col(),
                "applications",
                "applications must be a map of name -> application, found " + node.describe()));
        return;
      }
      for (String folder : new TreeMap<>(m.entries()).keySet()) {
        YNode a = m.get(folder);
        if (a == RepoLayout.BROKEN) {
          continue;
        }
        if (!checkName(folder, a, "application")) {
          continue;
        }
        if (!(a instanceof YMap am)) {
          problems.add(
              Problem.error(
                  a.file(),
                  a.line(),
                  a.col(),
                  "",
                  "application '"
                      + folder
                      + "' must be a map of attributes, found "
                      + a.describe()));
          continue;
        }
        Scope s = new Scope(folder);
        s.app = new DocReader(am, problems);
        if (am.line() != RepoLayout.CONFIG_BROKEN) {
          s.app.readAll(Schema.APPLICATION);
          Set<String> leaves = new HashSet<>();
          Set<String> known = Schema.knownPaths(Schema.APPLICATION, Set.of(), leaves);
          leaves.addAll(RepoLayout.GROUPS);
          known.addAll(leaves);
          Set<String> ignored = Set.of("applications", "clouds");
          for (String k : ignored) {
            YNode v = am.get(k);
            if (v != null) {
              s.app.warn(v, k, "ignored: '" + k + "' is only read at project level");
            }
          }
          s.app.warnUnknown(known, leaves, ignored);
        }
        s.appId = s.app.string("id");
        apps.add(s);
        readScope(am, s);
      }
    }

    /** Validates a resource or application name used in paths and registry keys. */
    private boolean checkName(String name, YNode at, String what) {
      boolean bad = name.isEmpty() || name.equals(".") || name.equals("..");
      for (int i = 0; i < name.length() && !bad; i++) {
        char c = name.charAt(i);
        bad = c == '/' || c == '\\' || c < 0x20 || c == 0x7f;
      }
      if (bad) {
        // Improve over tau (reliability.md B6): names become registry key segments.
        problems.add(
            Problem.error(
                at.file(),
                Math.max(at.line(), 0),
                Math.max(at.col(), 0),
                "",
                "invalid "
                    + what
                    + " name '"
                    + name
                    + "': must not be empty, '.', '..' or contain '/', '\\' or control characters"));
        return false;
      }
      if (!Scalars.CLI_NAME.matcher(name).matches()) {
        problems.add(
            Problem.warning(
                at.file(),
                Math.max(at.line(), 0),
                Math.max(at.col(), 0),
                "",
                what
                    + " name '"
                    + name
                    + "' does not match ^[A-Za-z][A-Za-z0-9_-]*$ (max 250), the names tau tools"
                    + " create"));
      }
      return true;
    }

    private void readScope(YMap node, Scope scope) {
      for (ResourceKind kind : ResourceKind.processingOrder()) {
        YNode g = node.get(kind.folder());
        if (g == null) {
          continue;
        }
        scope.present.add(kind);
        if (g == RepoLayout.BROKEN || (g instanceof YScalar s && s.isNull())) {
          continue;
        }
        if (!(g instanceof YMap gm)) {
          problems.add(
              Problem.error(
                  g.file(),
                  g.line(),
                  g.col(),
                  kind.folder(),
                  kind.folder()
                      + " must be a map of name -> "
                      + kind.word()
                      + ", found "
                      + g.describe()));
          continue;
        }
        for (Map.Entry<String, YNode> e : new TreeMap<>(gm.entries()).entrySet()) {
          readResource(kind, e.getKey(), e.getValue(), scope);
        }
      }
    }

    private void readResource(ResourceKind kind, String name, YNode node, Scope scope) {
      if (node == RepoLayout.BROKEN) {
        return;
      }
      resourceCount++;
      if (!checkName(name, node, kind.word())) {
        return;
      }
      YMap doc;
      if (node instanceof YMap m) {
        doc = m;
      } else if (node instanceof YScalar s && s.isNull()) {
        doc = new YMap(s.file(), s.line(), s.col(), Map.of());
      } else {
        problems.add(
            Problem.error(
                node.file(),
                node.line(),
                node.col(),
                "",
                kind.word()
                    + " '"
                    + name
                    + "' must be a map of attributes, found "
                    + node.describe()));
        return;
      }
      DocKey docKey = new DocKey(kind, doc);
      ReadDoc earlier = reads.get(docKey);
      if (earlier != null) {
        problems.addAll(earlier.problems());
        DocReader r = new DocReader(doc, problems, earlier.reading());
        Draft d = new Draft(kind, scope, name, r);
        d.id = r.string("id");
        scope.group(kind).put(name, d);
        return;
      }
      docReads.incrementAndGet();
      int problemsBefore = problems.size();
      DocReader r = new DocReader(doc, problems);
      r.readAll(Schema.IDENTITY);
      r.readAll(Schema.fields(kind));
      switch (kind) {
        case STORAGE -> {
          boolean object = doc.get("object") != null;
          boolean streaming = doc.get("streaming") != null;
          if (object == streaming) {
            r.error(
                doc,
                "",
                "attribute type has an empty key ("
                    + (object
                        ? "both object and streaming are set"
                        : "set one of object or streaming")
                    + ")");
          }
        }
        case WEBSITE, LIBRARY -> {
          if (DocReader.lookup(doc, "source.github") == null) {
            r.error(
                doc,
                "source.github",
                "attribute git-provider has an empty key (source.github is missing; github is the"
                    + " only provider)");
          }
        }
        case DATABASE -> {
          YNode rep = doc.get("replicas");
          if (rep != null) {
            r.warn(rep, "replicas", "ignored: replicas is no longer used by tau");
          }
        }
        default -> {}
      }
      Set<String> leaves = new HashSet<>();
      List<Field> all = new ArrayList<>(Schema.IDENTITY);
      all.addAll(Schema.fields(kind));
      Set<String> known = Schema.knownPaths(all, Schema.extraKeys(kind), leaves);
      r.warnUnknown(known, leaves, kind == ResourceKind.DATABASE ? Set.of("replicas") : Set.of());
      reads.put(
          docKey,
          new ReadDoc(
              r.reading(), new ArrayList<>(problems.subList(problemsBefore, problems.size()))));
      Draft d = new Draft(kind, scope, name, r);
      d.id = r.string("id");
      scope.group(kind).put(name, d);
    }

    // -------------------------------------------------------------------------- checks

    private void checkIds() {
      Map<String, Draft> seen = new HashMap<>();
      Map<String, Scope> appIds = new HashMap<>();
      String pid = pr.string("id");
      for (Scope app : apps) {
        if (app.appId == null) {
          continue;
        }
        Scope prev = appIds.putIfAbsent(app.appId, app);
        Read at = app.app.get("id");
        if (prev != null) {
          app.app.error(
              at.node(),
              "id",
              "promoting applications "
                  + app.folder
                  + " failed with renaming to id failed with name already exists (application '"
                  + prev.folder
                  + "' has the same id)");
        } else if (app.appId.equals(pid)) {
          app.app.warn(at.node(), "id", "application id equals the project id");
        }
      }
      for (Scope s : scopes()) {
        for (Map.Entry<ResourceKind, Map<String, Draft>> g : s.groups.entrySet()) {
          Map<String, Draft> byId = new HashMap<>();
          for (Draft d : g.getValue().values()) {
            if (d.id == null) {
              continue;
            }
            Read at = d.r.get("id");
            Draft prev = byId.putIfAbsent(d.id, d);
            if (prev != null) {
              d.r.error(
                  at.node(),
                  "id",
                  "promoting "
                      + d.kind.folder()
                      + " "
                      + d.name
                      + " failed with renaming to id failed with name already exists ("
                      + d.kind.word()
                      + " '"
                      + prev.name
                      + "' at "
                      + prev.doc().file()
                      + " has the same id)");
              continue;
            }
            Draft other = seen.putIfAbsent(d.id, d);
            if (other != null) {
              d.r.warn(
                  at.node(),
                  "id",
                  "id is also used by "
                      + other.kind.word()
                      + " '"
                      + other.name
                      + "' of "
                      + other.scope.describe()
                      + "; ids should be unique in a project");
            }
          }
        }
      }
    }

    private void checkNames() {
      // Decision: names differing only by case are distinct for tau and compile, but they
      // collide on case-insensitive file systems and in people's heads: a warning.
      for (Scope s : scopes()) {
        for (Map<String, Draft> g : s.groups.values()) {
          Map<String, Draft> folded = new HashMap<>();
          for (Draft d : g.values()) {
            Draft prev = folded.putIfAbsent(d.name.toLowerCase(Locale.ROOT), d);
            if (prev != null) {
              d.r.warn(
                  d.doc(),
                  "",
                  d.kind.word()
                      + " name '"
                      + d.name
                      + "' differs from '"
                      + prev.name
                      + "' only by case; the two collide on case-insensitive file systems");
            }
          }
        }
      }
      Map<String, Scope> foldedApps = new HashMap<>();
      for (Scope a : apps) {
        Scope prev = foldedApps.putIfAbsent(a.folder.toLowerCase(Locale.ROOT), a);
        if (prev != null) {
          a.app.warn(
              a.app.doc(),
              "",
              "application name '"
                  + a.folder
                  + "' differs from '"
                  + prev.folder
                  + "' only by case; the two collide on case-insensitive file systems");
        }
      }
      Map<String, Draft> fqdns = new HashMap<>();
      for (Scope s : scopes()) {
        for (Draft d : s.group(ResourceKind.DOMAIN).values()) {
          String f = d.r.string("fqdn");
          if (f == null) {
            continue;
          }
          Draft prev = fqdns.putIfAbsent(f.toLowerCase(Locale.ROOT), d);
          if (prev != null) {
            d.r.warn(
                d.r.get("fqdn").node(),
                "fqdn",
                "fqdn is also declared by domain '" + prev.name + "' of " + prev.scope.describe());
          }
        }
      }
    }

    private List<Scope> scopes() {
      List<Scope> l = new ArrayList<>();
      l.add(project);
      l.addAll(apps);
      return l;
    }

    // -------------------------------------------------------------------------- references

    private void resolve() {
      for (Scope s : scopes()) {
        for (Map<String, Draft> g : s.groups.values()) {
          for (Draft d : g.values()) {
            resolveDraft(d);
          }
        }
      }
    }

    private void resolveDraft(Draft d) {
      String domainsPath =
          d.kind == ResourceKind.FUNCTION
              ? "trigger.domains"
              : d.kind == ResourceKind.WEBSITE ? "domains" : null;
      if (domainsPath != null && d.r.get(domainsPath) != null) {
        Read read = d.r.get(domainsPath);
        List<String> ids = new ArrayList<>();
        List<String> names = d.r.list(domainsPath);
        for (int i = 0; i < names.size(); i++) {
          YNode at = ((YSeq) read.node()).items().get(i);
          Draft target = lookup(d, ResourceKind.DOMAIN, names.get(i), at, read.path());
          if (target != null) {
            ids.add(target.id);
          }
        }
        d.domainIds = ids;
      }
      if (d.kind == ResourceKind.FUNCTION || d.kind == ResourceKind.SMARTOP) {
        String src = d.r.string("source");
        if (src != null && src.startsWith("libraries/")) {
          Read read = d.r.get("source");
          Draft lib =
              lookup(
                  d,
                  ResourceKind.LIBRARY,
                  src.substring("libraries/".length()),
                  read.node(),
                  "source");
          d.source = lib == null ? null : "libraries/" + lib.id;
        } else {
          d.source = src;
        }
      }
      List<String> tags = d.r.list("tags");
      if (tags != null && d.kind != ResourceKind.SMARTOP) {
        List<String> ids = new ArrayList<>();
        YSeq seq = (YSeq) d.r.get("tags").node();
        for (int i = 0; i < tags.size(); i++) {
          String t = tags.get(i);
          if (t.startsWith("smartops:")) {
            Draft op =
                lookup(
                    d,
                    ResourceKind.SMARTOP,
                    t.substring("smartops:".length()),
                    seq.items().get(i),
                    "tags");
            if (op != null) {
              ids.add(op.id);
            }
          }
        }
        d.smartops = ids.isEmpty() ? null : ids;
      }
    }

    /** Resolves a name reference with the scope chain and qualifiers of section 7. */
    private Draft lookup(Draft from, ResourceKind kind, String ref, YNode at, String field) {
      Scope scope = from.scope;
      Draft found;
      String where;
      if (ref.startsWith("../")) {
        if (scope.folder == null) {
          from.r.error(at, field, "reference scope \"" + ref + "\" climbs above the project root");
          return null;
        }
        found = project.group(kind).get(ref.substring(3));
        where = "the project";
      } else if (ref.startsWith("/")) {
        found = project.group(kind).get(ref.substring(1));
        where = "the project";
      } else if (scope.folder != null) {
        found = scope.group(kind).get(ref);
        if (found == null) {
          found = project.group(kind).get(ref);
        }
        where = "application \"" + scope.folder + "\" or the project";
      } else {
        found = project.group(kind).get(ref);
        where = "the project";
      }
      if (found == null || found.id == null) {
        String what =
            kind == ResourceKind.SMARTOP
                ? from.kind.folder()
                    + " "
                    + from.name
                    + ": resolving smartops tags failed with not indexed"
                : "resolving " + kind.folder() + " names to IDs failed with not indexed";
        String msg =
            found == null
                ? what + ": no " + kind.word() + " named \"" + ref + "\" in " + where
                : what + ": " + kind.word() + " \"" + ref + "\" has no valid id";
        if (found == null || !found.r.failed()) {
          from.r.error(at, field, msg);
        }
        return null;
      }
      return found;
    }

    /** Warns when two HTTP functions answer the same method, domain and path (not in tau). */
    private void checkRoutes() {
      Map<String, Draft> routes = new HashMap<>();
      for (Scope s : scopes()) {
        for (Draft d : s.group(ResourceKind.FUNCTION).values()) {
          String type = d.r.string("trigger.type");
          String method = d.r.string("trigger.method");
          List<String> paths = d.r.list("trigger.paths");
          if (!("http".equals(type) || "https".equals(type))
              || method == null
              || paths == null
              || d.domainIds == null) {
            continue;
          }
          for (String dom : d.domainIds) {
            for (String p : paths) {
              String key = method.toUpperCase(Locale.ROOT) + " " + dom + " " + p;
              Draft prev = routes.putIfAbsent(key, d);
              if (prev != null && prev != d) {
                d.r.warn(
                    d.r.get("trigger.paths").node(),
                    "trigger.paths",
                    method.toUpperCase(Locale.ROOT)
                        + " "
                        + p
                        + " on the same domain is also served by function '"
                        + prev.name
                        + "' of "
                        + prev.scope.describe());
              }
            }
          }
        }
      }
    }

    /** config-format.md 9.1 step 1, done here when the cloud's generated suffix is known. */
    private void checkGeneratedDomains() {
      String suffix = options.generatedSuffix();
      String pid = pr.string("id");
      if (suffix == null || suffix.isBlank() || pid == null) {
        return;
      }
      Pattern generated =
          Pattern.compile("^[^.]+\\." + Pattern.quote(suffix.toLowerCase(Locale.ROOT)) + "$");
      for (Scope s : scopes()) {
        for (Draft d : s.group(ResourceKind.DOMAIN).values()) {
          String fqdn = d.r.string("fqdn");
          if (fqdn == null) {
            continue;
          }
          fqdn = fqdn.toLowerCase(Locale.ROOT);
          if (!generated.matcher(fqdn).matches()) {
            continue;
          }
          Read at = d.r.get("fqdn");
          if (pid.length() < 8) {
            d.r.error(
                at.node(),
                "fqdn",
                "DNS validation failed for "
                    + fqdn
                    + ": project id "
                    + pid
                    + " is shorter than 8 characters, so generated fqdn `"
                    + fqdn
                    + "` cannot be checked");
            continue;
          }
          String last8 = pid.substring(pid.length() - 8).toLowerCase(Locale.ROOT);
          if (!fqdn.contains(last8)) {
            d.r.error(
                at.node(),
                "fqdn",
                "DNS validation failed for "
                    + fqdn
                    + ": generated fqdn `"
                    + fqdn
                    + "` does not contain last 8 of project id "
                    + pid
                    + " (expected \""
                    + last8
                    + "\")");
          }
        }
      }
    }

    // -------------------------------------------------------------------------- building

    private ProjectConfig build() {
      List<Resource> resources = new ArrayList<>();
      List<Application> applications = new ArrayList<>();
      for (Scope s : scopes()) {
        String appId = s.folder == null ? null : s.appId;
        if (s.folder != null) {
          applications.add(
              new Application(s.appId, s.folder, s.app.string("description"), s.app.list("tags")));
        }
        for (ResourceKind k : ResourceKind.processingOrder()) {
          Map<String, Draft> g = s.groups.get(k);
          if (g == null) {
            continue;
          }
          for (Draft d : g.values()) {
            resources.add(buildResource(d, appId));
          }
        }
      }
      return new ProjectConfig(
          pr.string("id"),
          pr.string("name"),
          pr.string("description"),
          pr.string("notification.email"),
          account,
          plan,
          pr.list("tags"),
          applications,
          resources);
    }

    private Resource buildResource(Draft d, String app) {
      DocReader r = d.r;
      Identity id = new Identity(d.id, d.name, r.string("description"), r.list("tags"), d.smartops);
      return switch (d.kind) {
        case FUNCTION -> {
          String type = r.string("trigger.type");
          yield new Resource.Function(
              id,
              app,
              type,
              r.bool("trigger.local"),
              r.string("trigger.channel"),
              "p2p".equals(type) ? r.string("trigger.protocol") : null,
              r.string("trigger.command"),
              r.string("trigger.method"),
              r.list("trigger.methods"),
              d.domainIds,
              r.list("trigger.paths"),
              d.source,
              r.number("execution.timeout"),
              r.number("execution.memory"),
              r.string("execution.call"));
        }
        case WEBSITE ->
            new Resource.Website(
                id,
                app,
                d.domainIds,
                r.list("paths"),
                r.string("source.branch"),
                "github",
                r.string("source.github.id"),
                r.string("source.github.fullname"));
        case LIBRARY ->
            new Resource.Library(
                id,
                app,
                r.string("source.path"),
                r.string("source.branch"),
                "github",
                r.string("source.github.id"),
                r.string("source.github.fullname"));
        case DOMAIN ->
            new Resource.Domain(
                id,
                app,
                r.string("fqdn").toLowerCase(Locale.ROOT),
                r.string("certificate.type"),
                r.string("certificate.cert"),
                r.string("certificate.key"));
        case DATABASE -> {
          String net = r.string("access.network");
          yield new Resource.Database(
              id,
              app,
              r.string("match"),
              r.bool("regex"),
              "host".equals(net),
              "subnet".equals(net) ? "subnet" : null,
              r.number("storage.size"),
              r.string("encryption.type"),
              r.string("encryption.key"));
        }
        case STORAGE -> {
          String net = r.string("access.network");
          boolean object = d.doc().get("object") != null;
          yield new Resource.Storage(
              id,
              app,
              object ? "object" : "streaming",
              r.string("match"),
              r.bool("regex"),
              "all".equals(net),
              "host".equals(net) ? "host" : null,
              r.bool("object.versioning"),
              r.number("streaming.ttl"),
              r.number(object ? "object.size" : "streaming.size"));
        }
        case MESSAGING ->
            new Resource.Messaging(
                id,
                app,
                r.bool("local"),
                r.string("channel.match"),
                r.bool("channel.regex"),
                r.bool("bridges.mqtt.enable"),
                r.bool("bridges.websocket.enable"));
        case SERVICE -> new Resource.Service(id, app, r.string("protocol"));
        case SMARTOP ->
            new Resource.SmartOp(
                id,
                app,
                d.source,
                r.number("execution.timeout"),
                r.number("execution.memory"),
                r.string("execution.call"));
      };
    }

    @SuppressWarnings("unchecked")
    private void addEmptyGroups(Map<String, Object> object) {
      for (Scope s : scopes()) {
        Map<String, Object> target = object;
        if (s.folder != null) {
          target =
              (Map<String, Object>) ((Map<String, Object>) object.get("applications")).get(s.appId);
        }
        for (ResourceKind k : s.present) {
          target.putIfAbsent(k.folder(), new LinkedHashMap<>());
        }
      }
    }

    private List<Check> checks(ProjectConfig c) {
      List<Check> out = new ArrayList<>();
      out.add(new Check("project_id", c.id(), "project_id", Map.of()));
      for (Scope s : scopes()) {
        for (Resource.Domain d : c.all(Resource.Domain.class)) {
          if (Objects.equals(d.application(), s.folder == null ? null : s.appId)) {
            Map<String, String> ctx = new LinkedHashMap<>();
            ctx.put("project", c.id());
            if (d.application() != null) {
              ctx.put("app", d.application());
            }
            out.add(new Check("domain", d.fqdn(), "dns", ctx));
          }
        }
      }
      return out;
    }
  }
}
