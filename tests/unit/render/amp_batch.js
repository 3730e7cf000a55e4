// Validate many AMP pages with one validator instance: JSON {name: html} on stdin, {name: [errors]} out.
const path = process.argv[2];
const amphtmlValidator = require('amphtml-validator');
let input = '';
process.stdin.on('data', (chunk) => { input += chunk; });
process.stdin.on('end', async () => {
  const pages = JSON.parse(input);
  const validator = await amphtmlValidator.getInstance(path);
  const out = {};
  for (const [name, html] of Object.entries(pages)) {
    const result = validator.validateString(html, 'AMP');
    const errors = result.errors.filter((e) => e.severity === 'ERROR')
      .map((e) => `${e.line}:${e.col} ${e.code} ${e.message}`);
    out[name] = result.status === 'PASS' ? [] : (errors.length ? errors : [result.status]);
  }
  process.stdout.write(JSON.stringify(out));
});
