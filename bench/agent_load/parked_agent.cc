// fta-agent-parked: the stand-in a benchmark's fta-hostd starts for every
// process FTA (agents.agent_binary) when the agents themselves are played by
// bench/agent_load. It keeps the command line the provisioner gave it (so
// the daemon still recognises its FTA's process) and waits to be stopped.
#include <unistd.h>

int main() {
  for (;;) pause();
}
