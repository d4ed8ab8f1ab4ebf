# Runs a command in a pseudo-terminal and answers its prompts, for the passphrase prompt test.
# usage: python3 pty-driver.py ANSWER 'PROMPT 1|PROMPT 2' -- COMMAND...
# Waits for each prompt text in turn (in output after the previous answer), then types ANSWER + Enter.
import os, pty, select, sys, time

answer = sys.argv[1].encode()
prompts = [p.encode() for p in sys.argv[2].split('|') if p]
command = sys.argv[sys.argv.index('--') + 1:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(command[0], command)
out = b''
since = 0
deadline = time.time() + 30
while time.time() < deadline:
    ready, _, _ = select.select([fd], [], [], 0.1)
    if ready:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    if prompts and prompts[0] in out[since:]:
        prompts.pop(0)
        os.write(fd, answer + b'\r')
        since = len(out)
os.waitpid(pid, 0)
sys.stdout.write(out.decode('utf-8', 'replace'))
