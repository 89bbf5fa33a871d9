import { defineConfig } from "vite";

// The bundle is embedded in the borderwatch binary (crates/server/build.rs reads dist/).
export default defineConfig({
  build: {
    outDir: "dist",
    assetsDir: "assets",
    emptyOutDir: true,
    // The map frame is data; keep it in the bundle rather than fetched.
    assetsInlineLimit: 0,
  },
  server: {
    proxy: { "/api": "http://127.0.0.1:8080" },
  },
});
