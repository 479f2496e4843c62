/** Writing report.html into a run folder. */
import { join } from 'node:path';
import { writeFileAtomic } from '../output/atomic-write.js';
import { RUN_FILES } from '../output/run-directory.js';
import type { ReportData } from './report-data.js';
import { renderReport } from './render-report.js';

/** File name of the report inside every run folder (train, each compare strategy, the compare top). */
export const REPORT_FILE = RUN_FILES.report;

/** Render `data` and write `<dir>/report.html` atomically; returns the file's path. */
export function writeReport(dir: string, data: ReportData): string {
  const path = join(dir, REPORT_FILE);
  writeFileAtomic(path, renderReport(data));
  return path;
}
