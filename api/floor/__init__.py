"""The shop floor over GraphQL: reportProgress, reportIncident, recordFeedback, submitForecast, feedback."""
