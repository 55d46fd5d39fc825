/**
 * The till agent alone as a process, without a UI:
 *   node --import tsx packages/terminal/src/agent/agent-main.ts
 * (the headless till with its UI is apps/kiosk/src/headless/main.ts). The
 * environment is described in agent-process.ts.
 */
import { agentConfigFromEnv, logLine, runProcess, startAgentProcess } from './agent-process';

runProcess(async () => {
  const parsed = agentConfigFromEnv(process.env);
  if (!parsed.ok) {
    logLine(parsed.message);
    return 2;
  }
  const agent = await startAgentProcess(parsed.config);
  if (typeof agent === 'number') return agent;
  return () => agent.close();
});
