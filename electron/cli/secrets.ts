import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';

/**
 * Secrets come from the environment or a hidden prompt, never from argv: command lines end up
 * in shell history and in `ps` output for every user of the machine.
 */
export async function readSecret(envName: string, prompt: string, env: NodeJS.ProcessEnv): Promise<string | null> {
  const fromEnv = env[envName];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (!process.stdin.isTTY) return null;
  let muted = false;
  const output = new Writable({
    write(chunk, _enc, done) {
      if (!muted) process.stderr.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  try {
    return await new Promise<string>((resolve) => {
      rl.question(prompt, (answer) => {
        process.stderr.write('\n');
        resolve(answer);
      });
      muted = true;
    });
  } finally {
    rl.close();
  }
}
