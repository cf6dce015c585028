// Modules of the bpmn-io toolkit that ship without type declarations (didi module declarations).
declare module 'bpmn-js-properties-panel' {
  type ModuleDeclaration = import('didi').ModuleDeclaration;
  export const BpmnPropertiesPanelModule: ModuleDeclaration;
  export const BpmnPropertiesProviderModule: ModuleDeclaration;
  export const ZeebePropertiesProviderModule: ModuleDeclaration;
}
declare module 'camunda-bpmn-js-behaviors/lib/camunda-cloud' {
  const behaviors: import('didi').ModuleDeclaration;
  export default behaviors;
}
