/**
 * What `secure-dind k8s render` prints, as plain objects and text: the RuntimeClass, the cache
 * claim, the ARC AutoscalingRunnerSet values and the GitLab Runner Kubernetes executor fragment
 * with its .gitlab-ci.yml. Pure. No container is privileged, none uses a host namespace or path.
 */
import type { SessionConfig } from '../core/config.js';
import type { K8sOptions } from './options.js';
/** The node label sysbox-deploy-k8s sets once Sysbox runs on a node. */
export declare const SYSBOX_NODE_SELECTOR: {
    readonly 'sysbox-runtime': "running";
};
export declare const CRIO_USERNS_ANNOTATION = "io.kubernetes.cri-o.userns-mode";
export declare function runtimeClass(config: SessionConfig): Record<string, unknown>;
/** The pre-made claim whose slot directories keep the daemons' data across ephemeral pods. */
export declare function cacheClaim(config: SessionConfig, options: K8sOptions): Record<string, unknown>;
/** The runner pod: the job's container, and the DinD sidecar as a native sidecar container. */
export declare function arcPodTemplate(config: SessionConfig, options: K8sOptions): Record<string, unknown>;
/** Helm values for ARC's gha-runner-scale-set chart (containerMode deliberately unset). */
export declare function arcValues(config: SessionConfig, options: K8sOptions): Record<string, unknown>;
export declare function renderArcValues(config: SessionConfig, options: K8sOptions): string;
/** The pod_spec patch GitLab's executor applies (its options have no hostUsers). */
export declare function gitlabPodPatch(config: SessionConfig, options: K8sOptions): Record<string, unknown>;
export declare function renderGitlabConfig(config: SessionConfig, options: K8sOptions): string;
/** The job side: the sidecar as the `docker` service, and the docker:dind client variables. */
export declare function gitlabCiDocument(config: SessionConfig, options: K8sOptions): Record<string, unknown>;
export declare function renderGitlabCi(config: SessionConfig, options: K8sOptions): string;
