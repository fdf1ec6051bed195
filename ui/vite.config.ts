import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// The admin is served by the API server at `/`; during `vite dev` the API is proxied.
export default defineConfig({
  plugins: [react()],
  base: "/",
  build: { outDir: "dist", assetsDir: "assets", sourcemap: false, chunkSizeWarningLimit: 600 },
  server: { proxy: { "/graphql": { target: "http://127.0.0.1:8000", ws: true } } },
  test: { include: ["src/**/*.test.ts"], environment: "node" },
});
