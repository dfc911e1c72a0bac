// The notes sample, write side: POST /notes?name=N stores the request body as note N (201).
function write(req, res) {
  const name = req.query.name ? req.query.name[0] : '';
  if (!/^[a-z0-9-]{1,40}$/.test(name)) {
    res.status(400);
    res.write('name must be 1 to 40 characters of a-z, 0-9 and -\n');
    return;
  }
  if (req.body.length > 4096) {
    res.status(413);
    res.write('a note holds at most 4096 characters\n');
    return;
  }
  jtau.db('notes').put('note/' + name, req.body);
  res.status(201);
  res.write('saved ' + name + '\n');
}
