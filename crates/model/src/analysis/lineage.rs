//! What each step and widget depends on.

use std::collections::{BTreeMap, BTreeSet};

use super::{Analysis, AnalysisError, BoundValue, SqlWords, Widget};
use crate::dataset::validate_table_name;

/// What one step reads: earlier steps, sources, and the values bound to its placeholders.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StepInputs {
    /// Indexes of the earlier steps it mentions.
    pub steps: Vec<usize>,
    /// Indexes into `Analysis::sources` of the tables it mentions.
    pub sources: Vec<usize>,
    /// Each placeholder it uses with its value, by name.
    pub bindings: Vec<(String, BoundValue)>,
}

/// Everything a widget depends on, directly or through other steps.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Lineage {
    /// Step names in run order, ending with the widget's own step.
    pub steps: Vec<String>,
    /// Source tables.
    pub sources: Vec<String>,
    /// Parameter names.
    pub parameters: Vec<String>,
}

impl Analysis {
    /// Every placeholder the parameters fill, with its value and its parameter.
    pub fn bindings(&self) -> Result<BTreeMap<String, (BoundValue, String)>, AnalysisError> {
        let mut bindings = BTreeMap::new();
        for parameter in &self.parameters {
            validate_table_name(&parameter.name).map_err(|reason| AnalysisError::BadParameter {
                name: parameter.name.clone(),
                reason: reason.replace("table name", "parameter name"),
            })?;
            for (placeholder, value) in parameter.bindings() {
                if bindings
                    .insert(placeholder.clone(), (value, parameter.name.clone()))
                    .is_some()
                {
                    return Err(AnalysisError::BadParameter {
                        name: parameter.name.clone(),
                        reason: format!("${placeholder} is already filled by another parameter"),
                    });
                }
            }
        }
        Ok(bindings)
    }

    /// Each step's inputs, in step order, after checking names, placeholders and widgets.
    ///
    /// A step depends on the earlier steps it names. A later step's name in its
    /// SQL is not a dependency: it is most likely a column of the same name.
    pub fn step_inputs(&self) -> Result<Vec<StepInputs>, AnalysisError> {
        self.check_names()?;
        let bindings = self.bindings()?;
        let mut all = Vec::with_capacity(self.steps.len());
        for (index, step) in self.steps.iter().enumerate() {
            let words = SqlWords::scan(&step.sql);
            let steps = (0..index)
                .filter(|&earlier| words.mentions(&self.steps[earlier].name))
                .collect();
            let sources = (0..self.sources.len())
                .filter(|&i| words.mentions(self.sources[i].table()))
                .collect();
            let mut step_bindings = Vec::new();
            for placeholder in &words.placeholders {
                match bindings.get(placeholder) {
                    Some((value, _)) => step_bindings.push((placeholder.clone(), value.clone())),
                    None => {
                        return Err(AnalysisError::UnknownPlaceholder {
                            step: step.name.clone(),
                            placeholder: placeholder.clone(),
                            hint: placeholder_hint(bindings.keys()),
                        });
                    }
                }
            }
            all.push(StepInputs {
                steps,
                sources,
                bindings: step_bindings,
            });
        }
        if let Some(widget) = self
            .widgets
            .iter()
            .find(|w| self.step_index(&w.step).is_none())
        {
            return Err(AnalysisError::UnknownWidgetStep(widget.step.clone()));
        }
        Ok(all)
    }

    /// The steps `target` needs, itself included, in run order.
    pub fn ancestors(&self, inputs: &[StepInputs], target: usize) -> Vec<usize> {
        let mut needed = BTreeSet::from([target]);
        for index in (0..=target).rev() {
            if needed.contains(&index) {
                needed.extend(inputs[index].steps.iter().copied());
            }
        }
        needed.into_iter().collect()
    }

    /// The steps that use `changed`, directly or not, itself included, in run order.
    pub fn dependants(&self, inputs: &[StepInputs], changed: usize) -> Vec<usize> {
        let mut affected = BTreeSet::from([changed]);
        for (index, step_inputs) in inputs.iter().enumerate().skip(changed + 1) {
            if step_inputs.steps.iter().any(|s| affected.contains(s)) {
                affected.insert(index);
            }
        }
        affected.into_iter().collect()
    }

    /// What `widget` depends on.
    pub fn lineage(&self, widget: &Widget) -> Result<Lineage, AnalysisError> {
        let inputs = self.step_inputs()?;
        let bindings = self.bindings()?;
        let Some(target) = self.step_index(&widget.step) else {
            return Err(AnalysisError::UnknownWidgetStep(widget.step.clone()));
        };
        let steps = self.ancestors(&inputs, target);
        let mut sources = BTreeSet::new();
        let mut parameters = BTreeSet::new();
        for &index in &steps {
            sources.extend(
                inputs[index]
                    .sources
                    .iter()
                    .map(|&s| self.sources[s].table().to_string()),
            );
            for (placeholder, _) in &inputs[index].bindings {
                if let Some((_, parameter)) = bindings.get(placeholder) {
                    parameters.insert(parameter.clone());
                }
            }
        }
        Ok(Lineage {
            steps: steps.iter().map(|&i| self.steps[i].name.clone()).collect(),
            sources: sources.into_iter().collect(),
            parameters: parameters.into_iter().collect(),
        })
    }

    fn check_names(&self) -> Result<(), AnalysisError> {
        let mut seen = BTreeSet::new();
        for source in &self.sources {
            if !seen.insert(source.table().to_ascii_lowercase()) {
                return Err(AnalysisError::DuplicateName(source.table().to_string()));
            }
        }
        for (index, step) in self.steps.iter().enumerate() {
            validate_step_name(&step.name).map_err(|reason| AnalysisError::BadStepName {
                position: index + 1,
                reason,
            })?;
            if !seen.insert(step.name.to_ascii_lowercase()) {
                return Err(AnalysisError::DuplicateName(step.name.clone()));
            }
        }
        Ok(())
    }
}

/// Why `name` cannot name a step, as a sentence. A step name is a table name
/// in lower case: SQL folds unquoted names to lower case, so `Revenue` would
/// be read as `revenue` by the steps after it and by its charts.
pub fn validate_step_name(name: &str) -> Result<(), String> {
    validate_table_name(name).map_err(|reason| reason.replace("table name", "step name"))?;
    if name.chars().any(|c| c.is_ascii_uppercase()) {
        return Err(format!(
            "The step name '{name}' has capitals; use lower case ('{}'), as SQL reads names that way.",
            name.to_ascii_lowercase()
        ));
    }
    Ok(())
}

fn placeholder_hint<'a>(known: impl Iterator<Item = &'a String>) -> String {
    let known: Vec<String> = known.map(|k| format!("${k}")).collect();
    if known.is_empty() {
        "; add a parameter for it".to_string()
    } else {
        format!("; the parameters fill {}", known.join(", "))
    }
}
