package dev.skiff.server.state;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** The single {@link RuntimeSettings} record: in memory for reads, on disk for restarts. */
public final class RuntimeSettingsStore {
  private static final String ID = "runtime-settings";
  private final RecordStore<RuntimeSettings> store;
  private volatile RuntimeSettings current;

  public RuntimeSettingsStore(Path stateDir) throws IOException {
    this.store = new RecordStore<>(stateDir.resolve("settings"), RuntimeSettings.class);
    List<RuntimeSettings> loaded = store.loadAll();
    this.current = loaded.isEmpty() ? RuntimeSettings.NONE : loaded.get(0);
  }

  public RuntimeSettings current() {
    return current;
  }

  public synchronized void update(RuntimeSettings settings) throws IOException {
    store.put(ID, settings);
    current = settings;
  }
}
