/** ProRL for Kestra: prolonged reinforcement learning of language models as Kestra tasks. */
@PluginSubGroup(
    title = "ProRL",
    description = "Datasets, training phases between reference resets, checkpoints, pass@k.",
    categories = {PluginSubGroup.PluginCategory.AI})
package io.kestra.plugin.prorl;

import io.kestra.core.models.annotations.PluginSubGroup;
