/**
 * Chart.js (canvas; tree-shaken registration of only what is drawn). The chart is an image for screen
 * readers (role="img" with a label); the page always shows the same figures in a table too.
 */
import { useEffect, useRef } from 'preact/hooks';
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip, type ChartConfiguration } from 'chart.js';

Chart.register(BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Legend, Tooltip);

export function ChartCanvas({ config, label, id }: { config: ChartConfiguration; label: string; id: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const chart = new Chart(ref.current!, { ...config, options: { animation: false, responsive: true, maintainAspectRatio: false, ...config.options } });
    return () => chart.destroy();
  }, [JSON.stringify(config.data)]);
  return (
    <div class="chart-box">
      <canvas ref={ref} id={id} role="img" aria-label={label} />
    </div>
  );
}
