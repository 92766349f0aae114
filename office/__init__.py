"""The office's own logic, without Prefect: intake, station folders, the watcher, reviews,
documents, export and reports. Imports config, pipeline, storage and schemas; never flows or
interfaces."""
