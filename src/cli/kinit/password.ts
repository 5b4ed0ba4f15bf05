/**
 * Reading a password as MIT's prompter does: from the terminal without echo, or, when standard
 * input is not a terminal, its first line (so `echo pw | tskrb5 kinit alice` works).
 * @module
 */
import { createInterface } from 'node:readline';

/** The first line of a non-terminal stdin (without its newline), or `''` at end of input. */
function readLine(input: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input, terminal: false });
    let done = false;
    rl.once('line', (line) => {
      done = true;
      rl.close();
      resolve(line);
    });
    rl.once('close', () => {
      if (!done) resolve('');
    });
    input.once('error', reject);
  });
}

/** A password from the terminal, echo off; Ctrl-C or Ctrl-D rejects. */
function readHidden(prompt: string, input: NodeJS.ReadStream, output: NodeJS.WritableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    output.write(prompt);
    input.setRawMode(true);
    input.resume();
    input.setEncoding('utf8');
    let pw = '';
    const finish = (err?: Error) => {
      input.setRawMode(false);
      input.pause();
      input.removeListener('data', onData);
      output.write('\n');
      if (err) reject(err);
      else resolve(pw);
    };
    const onData = (s: string) => {
      for (const ch of s) {
        if (ch === '\r' || ch === '\n') return finish();
        if (ch === '\u0003' || (ch === '\u0004' && pw === '')) return finish(new Error('Password read interrupted'));
        if (ch === '\u007f' || ch === '\b') pw = pw.slice(0, -1);
        else pw += ch;
      }
    };
    input.on('data', onData);
  });
}

/** Asks for a password: hidden on a terminal, else the next line of stdin. */
export function promptPassword(prompt: string, input: NodeJS.ReadStream = process.stdin, output: NodeJS.WritableStream = process.stdout): Promise<string> {
  return input.isTTY ? readHidden(prompt, input, output) : readLine(input);
}
