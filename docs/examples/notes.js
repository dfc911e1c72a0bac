// jtau-js 1
// A JavaScript function for jtau: `tau run function --module docs/examples/notes.js --call notes`
function notes(req, res) {
  const db = jtau.db('notes');
  if (req.method === 'POST') {
    db.put(req.query.key[0], req.body);
    res.status(201);
  }
  res.header('Content-Type', 'application/json');
  const keys = db.list('').filter((k) => !k.startsWith('size/'));
  res.write(JSON.stringify({ project: req.self.project, keys }));
}
