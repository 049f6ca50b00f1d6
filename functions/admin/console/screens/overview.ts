import { callOperation, renderScreen, withCaller, type ConsoleRoutes } from '../console-screen.ts';
import { overviewPage } from './overview-view.ts';

interface Daily {
  days: Array<{ date: string; counters: Record<string, number> }>;
  months: Array<{ month: string; activeUsers: number }>;
  openSessions: number;
}

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** GET /t/{tenant}/console[?days=30]: the overview — sign-ins, failure rate, second factors, active users over 7 or 30 days (the audit's daily counters). */
const overview = withCaller(async (req, caller) => {
  const range = req.query.get('days') === '30' ? 30 : 7;
  const start = Date.parse(`${dayOf(Date.now() - (range - 1) * 86_400_000)}T00:00:00Z`);
  const daily = await callOperation<Daily>(req, caller, 'GET /t/{tenant}/api/v1/audit/daily', { query: { from: dayOf(start), to: dayOf(Date.now()) } });
  return renderScreen(req, caller, 'overview', (frame) => overviewPage(frame, {
    range,
    // Every day of the period, those without sign-ins too.
    days: Array.from({ length: range }, (_, i) => dayOf(start + i * 86_400_000)).map((date) => {
      const counters = daily.days.find((d) => d.date === date)?.counters ?? {};
      return { date, success: counters.signins_success ?? 0, failure: counters.signins_failure ?? 0, mfa: counters.mfa_success ?? 0, activeUsers: counters.active_users ?? 0 };
    }),
    openSessions: daily.openSessions,
    activeUsersThisMonth: daily.months.at(-1)?.activeUsers ?? 0,
  }));
});

export const overviewRoutes: ConsoleRoutes = { 'GET /t/{tenant}/console': overview };
