// report.html: self-contained HTML run reports with inline SVG charts.
export { renderReport } from './render-report.js';
export { writeReport, REPORT_FILE } from './write-report.js';
export { reportPartitionOf, reportRunOf, reportSettingsOf, trainReportData } from './from-run.js';
export { resultRows, SHOT_COLUMNS } from './result-rows.js';
export type { MeasuredAt, ResultRow, RoundSelection } from './result-rows.js';
export { escapeHtml } from './escape.js';
export { percent2 } from './format.js';
export type { ReportClassAccuracy, ReportData, ReportPartition, ReportRoundPoint, ReportRun } from './report-data.js';
