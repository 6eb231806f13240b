import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CONFIG_HINTS } from '../../bot/src/config';

/** Every variable the service reads is documented where people look: .env.example and the README. */
describe('configuration documentation', () => {
  const root = path.resolve(__dirname, '../..');
  const envExample = readFileSync(path.join(root, '.env.example'), 'utf8');
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');

  it.each(Object.keys(CONFIG_HINTS))('documents %s', (name) => {
    expect(envExample).toMatch(new RegExp(`^${name}=`, 'm'));
    expect(readme).toContain(`| \`${name}\``);
  });
});
