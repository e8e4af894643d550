import { useTranslation } from 'react-i18next';

import { overallHealth, type AppState } from '../../../../common/state';
import { HealthDot } from '../../components/StatusDot';
import { healthProblems, problemSentence } from './health-summary';

/** The whole app in a word, and what is wrong in a sentence or two: read out when it changes. */
export function HealthLine({ state }: { state: AppState }) {
  const { t } = useTranslation();
  const health = overallHealth(state);
  const problems = healthProblems(state);
  return (
    <div className="health" role="status">
      <p className="health-line" data-health={health}>
        <HealthDot health={health} />
        <span>{t(`health.${health}`)}</span>
      </p>
      {problems.length > 0 && (
        <p className="health-detail">
          {problems.map(problem => problemSentence(problem, (key, values) => t(key, values ?? {}))).join(' ')}
        </p>
      )}
    </div>
  );
}
