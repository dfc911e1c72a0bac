// The notes sample, read side: a JavaScript function (jtau runs it on QuickJS in the JVM).
//   GET /notes         -> {"notes":{"<name>":"<text>",...}}
//   GET /notes?name=N  -> the text of note N, or 404
function notes(req, res) {
  const db = jtau.db('notes');
  const name = req.query.name ? req.query.name[0] : '';
  if (name !== '') {
    const text = db.get('note/' + name);
    if (text === null) {
      res.status(404);
      res.write('no note ' + name + '\n');
      return;
    }
    res.header('Content-Type', 'text/plain; charset=utf-8');
    res.write(text);
    return;
  }
  const all = {};
  for (const key of db.list('note/')) {
    all[key.substring('note/'.length)] = db.get(key);
  }
  res.header('Content-Type', 'application/json');
  res.write(JSON.stringify({ notes: all }) + '\n');
}
