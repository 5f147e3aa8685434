export declare const DEFAULT_SIDECAR_IMAGE = "secure-dind/sidecar:0.1.0";
